module flyte-mc/tools/flyteadmin

go 1.26.0

require github.com/flyteorg/flyte/flyteadmin v1.16.8

// flyteadmin's own go.mod points its siblings at ../<dir> (monorepo paths), which only resolve inside the Flyte
// repository. Point them at the published v1.16.8 modules instead, and keep the cron fork flyteadmin uses.
replace (
	github.com/flyteorg/flyte/flyteidl => github.com/flyteorg/flyte/flyteidl v1.16.8
	github.com/flyteorg/flyte/flyteplugins => github.com/flyteorg/flyte/flyteplugins v1.16.8
	github.com/flyteorg/flyte/flytepropeller => github.com/flyteorg/flyte/flytepropeller v1.16.8
	github.com/flyteorg/flyte/flytestdlib => github.com/flyteorg/flyte/flytestdlib v1.16.8
	github.com/robfig/cron/v3 => github.com/unionai/cron/v3 v3.0.2-0.20220915080349-5790c370e63a
)
