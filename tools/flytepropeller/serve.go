package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/admin"
	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	"github.com/flyteorg/flyte/flytepropeller/pkg/apis/flyteworkflow/v1alpha1"
	"github.com/flyteorg/flyte/flytepropeller/pkg/compiler"
	"github.com/flyteorg/flyte/flytepropeller/pkg/compiler/common"
	"google.golang.org/protobuf/proto"
)

// `flytepropeller admin-compiler` answers, one JSON line per request line on stdin, what FlyteAdmin asks
// propeller's compiler at registration and at CreateExecution (flyteadmin/pkg/manager/impl/task_manager.go,
// workflow_manager.go:63-118 and workflowengine/impl/k8s_executor.go at v1.16.8). Proto messages travel as
// base64 wire bytes so nothing is lost in a JSON mapping. One long-lived process serves a whole FlyteAdmin model.
type compilerRequest struct {
	Op string `json:"op"`
	// compileTask: a core.TaskTemplate.
	Task []byte `json:"task,omitempty"`
	// requirements and compileWorkflow: a core.WorkflowTemplate and its sub-workflows.
	Workflow     []byte   `json:"workflow,omitempty"`
	SubWorkflows [][]byte `json:"subWorkflows,omitempty"`
	// compileWorkflow: the required tasks (core.CompiledTask) and launch plans (admin.LaunchPlan), as FlyteAdmin loads them.
	Tasks       [][]byte `json:"tasks,omitempty"`
	LaunchPlans [][]byte `json:"launchPlans,omitempty"`
	// build: a core.CompiledWorkflowClosure and one execution.
	Closure   []byte           `json:"closure,omitempty"`
	Execution *executionParams `json:"execution,omitempty"`
}

type compilerResponse struct {
	// Invalid: the input does not compile (FlyteAdmin answers InvalidArgument); otherwise an error is internal.
	Error         string                  `json:"error,omitempty"`
	Invalid       bool                    `json:"invalid,omitempty"`
	CompiledTask  []byte                  `json:"compiledTask,omitempty"`
	TaskIDs       [][]byte                `json:"taskIds,omitempty"`
	LaunchPlanIDs [][]byte                `json:"launchPlanIds,omitempty"`
	Closure       []byte                  `json:"closure,omitempty"`
	FlyteWorkflow *v1alpha1.FlyteWorkflow `json:"flyteWorkflow,omitempty"`
}

// launchPlanInterface is what the compiler reads of a referenced launch plan: its closure's expected inputs and
// outputs (FlyteAdmin's LaunchPlanInterfaceProvider).
type launchPlanInterface struct{ lp *admin.LaunchPlan }

func (p launchPlanInterface) GetID() *core.Identifier { return p.lp.GetId() }
func (p launchPlanInterface) GetExpectedInputs() *core.ParameterMap {
	return p.lp.GetClosure().GetExpectedInputs()
}
func (p launchPlanInterface) GetExpectedOutputs() *core.VariableMap {
	return p.lp.GetClosure().GetExpectedOutputs()
}

func adminCompilerMain(in io.Reader, out io.Writer) int {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<20), 256<<20)
	for scanner.Scan() {
		var req compilerRequest
		resp := &compilerResponse{}
		if err := json.Unmarshal(scanner.Bytes(), &req); err != nil {
			resp.Error = fmt.Sprintf("request: %v", err)
		} else {
			resp = answer(req)
		}
		// A response that does not encode is answered as an error: one line per request, whatever happens.
		line, err := json.Marshal(resp)
		if err != nil {
			line, _ = json.Marshal(internal(fmt.Errorf("encoding the response: %w", err)))
		}
		if _, err := out.Write(append(line, '\n')); err != nil {
			return 1
		}
	}
	return 0
}

func invalid(err error) *compilerResponse {
	return &compilerResponse{Error: err.Error(), Invalid: true}
}
func internal(err error) *compilerResponse { return &compilerResponse{Error: err.Error()} }

func unmarshalWire(what string, b []byte, m proto.Message) error {
	if err := proto.Unmarshal(b, m); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func marshalWire(m proto.Message) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func workflowAndSubs(req compilerRequest) (*core.WorkflowTemplate, []*core.WorkflowTemplate, error) {
	wf := &core.WorkflowTemplate{}
	if err := unmarshalWire("workflow", req.Workflow, wf); err != nil {
		return nil, nil, err
	}
	subs := make([]*core.WorkflowTemplate, 0, len(req.SubWorkflows))
	for i, b := range req.SubWorkflows {
		s := &core.WorkflowTemplate{}
		if err := unmarshalWire(fmt.Sprintf("subWorkflows[%d]", i), b, s); err != nil {
			return nil, nil, err
		}
		subs = append(subs, s)
	}
	return wf, subs, nil
}

func answer(req compilerRequest) *compilerResponse {
	switch req.Op {
	case "compileTask":
		t := &core.TaskTemplate{}
		if err := unmarshalWire("task", req.Task, t); err != nil {
			return internal(err)
		}
		ct, err := compiler.CompileTask(t)
		if err != nil {
			return invalid(err)
		}
		return &compilerResponse{CompiledTask: marshalWire(ct)}
	case "requirements":
		wf, subs, err := workflowAndSubs(req)
		if err != nil {
			return internal(err)
		}
		reqs, err := compiler.GetRequirements(wf, subs)
		if err != nil {
			return invalid(err)
		}
		resp := &compilerResponse{TaskIDs: [][]byte{}, LaunchPlanIDs: [][]byte{}}
		for _, id := range reqs.GetRequiredTaskIds() {
			resp.TaskIDs = append(resp.TaskIDs, marshalWire(id))
		}
		for _, id := range reqs.GetRequiredLaunchPlanIds() {
			resp.LaunchPlanIDs = append(resp.LaunchPlanIDs, marshalWire(id))
		}
		return resp
	case "compileWorkflow":
		wf, subs, err := workflowAndSubs(req)
		if err != nil {
			return internal(err)
		}
		tasks := make([]*core.CompiledTask, 0, len(req.Tasks))
		for i, b := range req.Tasks {
			t := &core.CompiledTask{}
			if err := unmarshalWire(fmt.Sprintf("tasks[%d]", i), b, t); err != nil {
				return internal(err)
			}
			tasks = append(tasks, t)
		}
		lps := make([]common.InterfaceProvider, 0, len(req.LaunchPlans))
		for i, b := range req.LaunchPlans {
			lp := &admin.LaunchPlan{}
			if err := unmarshalWire(fmt.Sprintf("launchPlans[%d]", i), b, lp); err != nil {
				return internal(err)
			}
			lps = append(lps, launchPlanInterface{lp})
		}
		closure, err := compiler.CompileWorkflow(wf, subs, tasks, lps)
		if err != nil {
			return invalid(err)
		}
		return &compilerResponse{Closure: marshalWire(closure)}
	case "build":
		closure := &core.CompiledWorkflowClosure{}
		if err := unmarshalWire("closure", req.Closure, closure); err != nil {
			return internal(err)
		}
		if req.Execution == nil {
			return internal(fmt.Errorf("build: no execution"))
		}
		obj, err := buildExecution(closure, *req.Execution)
		if err != nil {
			return invalid(err)
		}
		return &compilerResponse{FlyteWorkflow: obj}
	default:
		return internal(fmt.Errorf("unknown op %q (compileTask, requirements, compileWorkflow, build)", req.Op))
	}
}
