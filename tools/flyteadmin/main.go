// Command flyteadmin runs FlyteAdmin's own entrypoint (serve, migrate run, clusterresource sync, ...) from the
// published Go module github.com/flyteorg/flyte/flyteadmin; nothing of Flyte is copied here.
package main

import (
	"github.com/flyteorg/flyte/flyteadmin/cmd/entrypoints"
	"github.com/flyteorg/flyte/flyteadmin/plugins"
)

func main() {
	if err := entrypoints.Execute(plugins.NewRegistry()); err != nil {
		panic(err)
	}
}
