package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/admin"
	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	"github.com/flyteorg/flyte/flytepropeller/pkg/apis/flyteworkflow/v1alpha1"
	"github.com/flyteorg/flyte/flytepropeller/pkg/compiler"
	"github.com/flyteorg/flyte/flytepropeller/pkg/compiler/common"
	"github.com/flyteorg/flyte/flytepropeller/pkg/compiler/transformers/k8s"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// buildRequest is one workflow (a template and its task templates, as a client registers them) and the executions
// to build for it. Proto-typed fields are protojson.
type buildRequest struct {
	Workflow   json.RawMessage   `json:"workflow"`
	Tasks      []json.RawMessage `json:"tasks"`
	Executions []executionParams `json:"executions"`
}

// executionParams are the ExecutionParameters FlyteAdmin's K8sWorkflowExecutor applies after building the object
// (flyteadmin/pkg/workflowengine/impl/prepare_execution.go at v1.16.8).
type executionParams struct {
	ID        json.RawMessage `json:"id,omitempty"`
	Namespace string          `json:"namespace"`
	Inputs    json.RawMessage `json:"inputs,omitempty"`
	// IDPb and InputsPb: the same as wire bytes (a core.WorkflowExecutionIdentifier and a core.LiteralMap), as
	// admin-compiler's callers send them.
	IDPb                []byte            `json:"idPb,omitempty"`
	InputsPb            []byte            `json:"inputsPb,omitempty"`
	Labels              map[string]string `json:"labels,omitempty"`
	Annotations         map[string]string `json:"annotations,omitempty"`
	AcceptedAt          time.Time         `json:"acceptedAt"`
	RawOutputDataConfig json.RawMessage   `json:"rawOutputDataConfig,omitempty"`
	ServiceAccount      string            `json:"serviceAccount,omitempty"`
	EventVersion        int               `json:"eventVersion"`
	MaxParallelism      uint32            `json:"maxParallelism,omitempty"`
	TaskResources       *taskResources    `json:"taskResources,omitempty"`
}

type taskResources struct {
	Defaults map[string]string `json:"defaults"`
	Limits   map[string]string `json:"limits"`
}

type buildResponse struct {
	Closure        json.RawMessage           `json:"closure"`
	FlyteWorkflows []*v1alpha1.FlyteWorkflow `json:"flyteWorkflows"`
}

func buildWorkflowMain(in io.Reader, out, errOut io.Writer) int {
	var req buildRequest
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fmt.Fprintf(errOut, "build-workflow: request on stdin: %v\n", err)
		return 2
	}
	resp, err := build(req)
	if err != nil {
		fmt.Fprintf(errOut, "build-workflow: %v\n", err)
		return 1
	}
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		fmt.Fprintf(errOut, "build-workflow: %v\n", err)
		return 1
	}
	return 0
}

func unmarshalProto(what string, raw json.RawMessage, m proto.Message) error {
	if err := protojson.Unmarshal(raw, m); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func build(req buildRequest) (*buildResponse, error) {
	wf := &core.WorkflowTemplate{}
	if err := unmarshalProto("workflow", req.Workflow, wf); err != nil {
		return nil, err
	}
	// Registration: every task is compiled, then the workflow against them (what FlyteAdmin stores as the closure).
	compiledTasks := make([]*core.CompiledTask, 0, len(req.Tasks))
	for i, raw := range req.Tasks {
		t := &core.TaskTemplate{}
		if err := unmarshalProto(fmt.Sprintf("tasks[%d]", i), raw, t); err != nil {
			return nil, err
		}
		ct, err := compiler.CompileTask(t)
		if err != nil {
			return nil, fmt.Errorf("tasks[%d] (%s): %w", i, t.GetId().GetName(), err)
		}
		compiledTasks = append(compiledTasks, ct)
	}
	closure, err := compiler.CompileWorkflow(wf, nil, compiledTasks, []common.InterfaceProvider{})
	if err != nil {
		return nil, fmt.Errorf("workflow %s: %w", wf.GetId().GetName(), err)
	}
	closureJSON, err := protojson.Marshal(closure)
	if err != nil {
		return nil, err
	}
	resp := &buildResponse{Closure: closureJSON, FlyteWorkflows: []*v1alpha1.FlyteWorkflow{}}
	for i, ex := range req.Executions {
		obj, err := buildExecution(closure, ex)
		if err != nil {
			return nil, fmt.Errorf("executions[%d]: %w", i, err)
		}
		resp.FlyteWorkflows = append(resp.FlyteWorkflows, obj)
	}
	return resp, nil
}

func buildExecution(closure *core.CompiledWorkflowClosure, ex executionParams) (*v1alpha1.FlyteWorkflow, error) {
	id := &core.WorkflowExecutionIdentifier{}
	if len(ex.IDPb) > 0 {
		if err := unmarshalWire("idPb", ex.IDPb, id); err != nil {
			return nil, err
		}
	} else if err := unmarshalProto("id", ex.ID, id); err != nil {
		return nil, err
	}
	var inputs *core.LiteralMap
	if len(ex.InputsPb) > 0 {
		inputs = &core.LiteralMap{}
		if err := unmarshalWire("inputsPb", ex.InputsPb, inputs); err != nil {
			return nil, err
		}
	} else if len(ex.Inputs) > 0 {
		inputs = &core.LiteralMap{}
		if err := unmarshalProto("inputs", ex.Inputs, inputs); err != nil {
			return nil, err
		}
	}
	// FlyteAdmin always passes the execution's inputs, an empty map when there are none (a nil one does not
	// serialise into the object).
	if inputs == nil {
		inputs = &core.LiteralMap{}
	}
	// The builder mutates the closure's task interfaces: give it its own copy per execution.
	obj, err := k8s.BuildFlyteWorkflow(proto.Clone(closure).(*core.CompiledWorkflowClosure), inputs, id, ex.Namespace)
	if err != nil {
		return nil, err
	}
	// The builder writes kind "flyteworkflow"; FlyteAdmin's typed clientset sends the scheme's kind instead.
	obj.Kind = "FlyteWorkflow"
	// What FlyteAdmin's PrepareFlyteWorkflow sets on the built object before creating it.
	obj.ExecutionID = v1alpha1.WorkflowExecutionIdentifier{WorkflowExecutionIdentifier: id}
	accepted := metav1.NewTime(ex.AcceptedAt)
	obj.AcceptedAt = &accepted
	if ex.ServiceAccount != "" {
		obj.SecurityContext = core.SecurityContext{RunAs: &core.Identity{K8SServiceAccount: ex.ServiceAccount}}
		obj.ServiceAccountName = ex.ServiceAccount
	}
	obj.Labels = mergeInto(obj.Labels, ex.Labels)
	obj.Annotations = mergeInto(obj.Annotations, ex.Annotations)
	obj.WorkflowMeta = &v1alpha1.WorkflowMeta{EventVersion: v1alpha1.EventVersion(ex.EventVersion)}
	cfg := v1alpha1.ExecutionConfig{TaskPluginImpls: map[string]v1alpha1.TaskPluginOverride{}, MaxParallelism: ex.MaxParallelism}
	if ex.TaskResources != nil {
		req, err := resourceSpec(ex.TaskResources.Defaults)
		if err != nil {
			return nil, fmt.Errorf("taskResources.defaults: %w", err)
		}
		lim, err := resourceSpec(ex.TaskResources.Limits)
		if err != nil {
			return nil, fmt.Errorf("taskResources.limits: %w", err)
		}
		cfg.TaskResources = v1alpha1.TaskResources{Requests: req, Limits: lim}
	}
	obj.ExecutionConfig = cfg
	if len(ex.RawOutputDataConfig) > 0 {
		raw := &admin.RawOutputDataConfig{}
		if err := unmarshalProto("rawOutputDataConfig", ex.RawOutputDataConfig, raw); err != nil {
			return nil, err
		}
		obj.RawOutputDataConfig = v1alpha1.RawOutputDataConfig{RawOutputDataConfig: raw}
	}
	return obj, nil
}

func mergeInto(base, overrides map[string]string) map[string]string {
	if base == nil {
		base = map[string]string{}
	}
	for k, v := range overrides {
		base[k] = v
	}
	return base
}

func resourceSpec(m map[string]string) (v1alpha1.TaskResourceSpec, error) {
	var s v1alpha1.TaskResourceSpec
	for k, v := range m {
		q, err := resource.ParseQuantity(v)
		if err != nil {
			return s, fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "cpu":
			s.CPU = q
		case "memory":
			s.Memory = q
		case "ephemeralStorage":
			s.EphemeralStorage = q
		case "storage":
			s.Storage = q
		case "gpu":
			s.GPU = q
		default:
			return s, fmt.Errorf("unknown resource %q (cpu, memory, ephemeralStorage, storage, gpu)", k)
		}
	}
	return s, nil
}
