"""Drives a running `flyte-mc up` with flytekit's own client, as a user's script would.

Reads a JSON list of operations on stdin, runs them in order against the admin endpoint of the flytekit config
given as argv[1], and prints one JSON object per operation on stdout. Registration goes through FlyteRemote
(serialize + CreateTask/CreateWorkflow/CreateLaunchPlan), executions through FlyteRemote.execute, attributes and
reads through SynchronousFlyteClient. A gRPC error is reported as {"error": {"code": ..., "message": ...}}.
"""

import json
import sys
import time

import grpc
from flytekit import task, workflow
from flytekit.configuration import Config, ImageConfig, SerializationSettings
from flytekit.core.options import Options
from flytekit.exceptions.system import FlyteSystemException
from flytekit.exceptions.user import FlyteEntityAlreadyExistsException, FlyteEntityNotExistException
from flytekit.models.common import Annotations
from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.models.core.identifier import WorkflowExecutionIdentifier
from flytekit.models.matchable_resource import ExecutionClusterLabel, MatchableResource, MatchingAttributes
from flytekit.models.project import Project
from flytekit.remote import FlyteRemote


@task
def add_one(x: int) -> int:
    return x + 1


@workflow
def add_one_wf(x: int = 0) -> int:
    return add_one(x=x)


WORKFLOW_NAME = "drive.add_one_wf"


def grpc_error(err):
    """The gRPC status behind flytekit's exception, if any."""
    cur = err
    while cur is not None:
        if isinstance(cur, grpc.RpcError) and hasattr(cur, "code"):
            return {"code": cur.code().name, "message": cur.details()}
        cur = cur.__cause__ or cur.__context__
    kind = type(err).__name__
    if isinstance(err, FlyteEntityAlreadyExistsException):
        return {"code": "ALREADY_EXISTS", "message": str(err)}
    if isinstance(err, FlyteEntityNotExistException):
        return {"code": "NOT_FOUND", "message": str(err)}
    return {"code": kind, "message": str(err)}


def phase_name(p):
    return WorkflowExecutionPhase.enum_to_string(p)


class Driver:
    def __init__(self, config_file):
        self.remote = FlyteRemote(config=Config.auto(config_file=config_file), default_project="team1", default_domain="development")
        self.client = self.remote.client

    def register_project(self, project):
        self.client.register_project(Project(id=project, name=project, description="flytekit drive"))
        return {"registered": project}

    def register(self, project, domain, version):
        settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project=project, domain=domain, version=version)
        wf = self.remote.register_workflow(add_one_wf, serialization_settings=settings, version=version)
        lp = self.remote.fetch_launch_plan(project=project, domain=domain, name=WORKFLOW_NAME, version=version)
        return {"workflow": wf.id.name, "launchPlan": lp.id.name, "inputs": sorted(lp.interface.inputs.keys())}

    def set_ecl(self, project, domain, value, workflow_name=None):
        attrs = MatchingAttributes(execution_cluster_label=ExecutionClusterLabel(value))
        if workflow_name:
            self.client.update_workflow_attributes(project, domain, workflow_name, attrs)
        else:
            self.client.update_project_domain_attributes(project, domain, attrs)
        return {"set": value}

    def get_ecl(self, project, domain, workflow_name=None):
        rt = MatchableResource.EXECUTION_CLUSTER_LABEL
        if workflow_name:
            got = self.client.get_workflow_attributes(project, domain, workflow_name, rt)
        else:
            got = self.client.get_project_domain_attributes(project, domain, rt)
        return {"value": got.attributes.matching_attributes.execution_cluster_label.value}

    def execute(self, project, domain, version, count, labels, start=0, annotations=None):
        lp = self.remote.fetch_launch_plan(project=project, domain=domain, name=WORKFLOW_NAME, version=version)
        names = []
        t0 = time.monotonic()
        for i in range(count):
            label = labels[i % len(labels)] if labels else None
            ex = self.remote.execute(
                lp,
                inputs={"x": start + i},
                project=project,
                domain=domain,
                execution_cluster_label=label or None,
                options=Options(annotations=Annotations(annotations)) if annotations else None,
            )
            names.append({"name": ex.id.name, "label": label or ""})
        return {"executions": names, "seconds": time.monotonic() - t0}

    def read(self, project, domain, names):
        out = []
        for name in names:
            ex = self.client.get_execution(WorkflowExecutionIdentifier(project, domain, name))
            out.append({"name": name, "cluster": ex.spec.metadata.system_metadata.execution_cluster, "phase": phase_name(ex.closure.phase), "launchPlan": ex.spec.launch_plan.name})
        return {"executions": out}

    def list(self, project, domain):
        names, token = [], ""
        while True:
            page, token = self.client.list_executions_paginated(project, domain, limit=100, token=token)
            names.extend(e.id.name for e in page)
            if not token:
                return {"names": names}

    def wait(self, project, domain, names, phase, timeout):
        deadline = time.monotonic() + timeout
        pending = set(names)
        phases = {}
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                ex = self.client.get_execution(WorkflowExecutionIdentifier(project, domain, name))
                phases[name] = phase_name(ex.closure.phase)
                if phases[name] == phase:
                    pending.discard(name)
            if pending:
                time.sleep(0.5)
        return {"phases": phases, "pending": sorted(pending)}

    def terminate(self, project, domain, names):
        out = []
        for name in names:
            try:
                self.client.terminate_execution(WorkflowExecutionIdentifier(project, domain, name), cause="flytekit drive")
                out.append({"name": name, "ok": True})
            except Exception as err:  # reported, not raised: a failure here is the finding
                out.append({"name": name, "ok": False, "error": grpc_error(err)})
        return {"terminated": out}

    def relaunch(self, project, domain, name):
        new = self.client.relaunch_execution(WorkflowExecutionIdentifier(project, domain, name))
        return {"name": new.name}

    def unimplemented(self):
        # A call the model does not serve: it must say so, not succeed.
        try:
            self.client.get_execution_data(WorkflowExecutionIdentifier("team1", "development", "nope"))
            return {"error": None}
        except Exception as err:
            return {"error": grpc_error(err)}


def main():
    driver = Driver(sys.argv[1])
    ops = json.load(sys.stdin)
    for op in ops:
        args = {k: v for k, v in op.items() if k != "op"}
        try:
            result = getattr(driver, op["op"])(**args)
        except (FlyteSystemException, Exception) as err:  # the caller asserts on codes
            result = {"error": grpc_error(err)}
        print(json.dumps({"op": op["op"], **result}), flush=True)


if __name__ == "__main__":
    main()
