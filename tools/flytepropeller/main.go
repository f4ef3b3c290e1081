// Command flytepropeller runs FlytePropeller v1.16.8's own controller command (github.com/flyteorg/flyte/flytepropeller
// cmd/controller) with the plugin set the harness's workflows need, and, as `flytepropeller build-workflow`, turns a
// workflow template plus execution parameters into the FlyteWorkflow object FlyteAdmin would create, using
// propeller's own compiler and CRD builder; `flytepropeller admin-compiler` serves the same compiler to FlyteAdmin's
// model (serve.go). Nothing of Flyte is copied here.
package main

import (
	"os"
	"strconv"
	"time"

	"github.com/flyteorg/flyte/flytepropeller/cmd/controller/cmd"

	// Only these plugins: flytepropeller/plugins also imports the Spark plugin, whose spark-operator dependency the
	// Go module proxy refuses. pod registers container, sidecar and pod; k8s registers k8s-array; testing registers echo.
	_ "github.com/flyteorg/flyte/flyteplugins/go/tasks/plugins/array/k8s"
	_ "github.com/flyteorg/flyte/flyteplugins/go/tasks/plugins/k8s/pod"
	_ "github.com/flyteorg/flyte/flyteplugins/go/tasks/plugins/testing"
)

func main() {
	watchParent()
	if len(os.Args) > 1 && os.Args[1] == "build-workflow" {
		os.Exit(buildWorkflowMain(os.Stdin, os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "admin-compiler" {
		os.Exit(adminCompilerMain(os.Stdin, os.Stdout))
	}
	cmd.Execute()
}

// watchParent ends the process when the harness that started it is gone (even after SIGKILL, when it could not stop
// its children): FLYTE_MC_PARENT_PID names the parent; once our parent process changes, exit.
func watchParent() {
	want, err := strconv.Atoi(os.Getenv("FLYTE_MC_PARENT_PID"))
	if err != nil || want <= 0 {
		return
	}
	go func() {
		for {
			if os.Getppid() != want {
				os.Exit(3)
			}
			time.Sleep(time.Second)
		}
	}()
}
