"""A recording mock engine for component and stack tests (independent of ``vigil.preview``).

Pulumi's mock engine hands each resource's inputs to ``new_resource`` (camelCase keys, secrets wrapped in
``{SECRET_SIG: ..., "value": ...}``); the monitor subclass records each resource's parent URN.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor

from vigil.preview.engine import ensure_event_loop

ACCOUNT = "123456789012"
SECRET_SIG = "4dabf18193072939515e22adb298388d"


@dataclass
class Resource:
    type: str
    name: str
    inputs: dict[str, Any]
    parent: str = ""
    provider: str = ""  # "urn::id" of an explicit provider, "" for the default one


@dataclass
class Recorder(pulumi.runtime.Mocks):
    region: str = "us-east-1"
    account: str = ACCOUNT
    resources: list[Resource] = field(default_factory=list)
    parents: dict[tuple[str, str], str] = field(default_factory=dict)
    providers: dict[tuple[str, str], str] = field(default_factory=dict)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        key = (args.typ, args.name)
        self.resources.append(
            Resource(args.typ, args.name, dict(args.inputs), self.parents.get(key, ""), self.providers.get(key, ""))
        )
        physical = (
            args.inputs.get("name") or args.inputs.get("alarmName") or args.inputs.get("dashboardName") or args.name
        )
        service = args.typ.split(":")[1].split("/")[0]
        state = {**args.inputs, "name": physical, "arn": f"arn:aws:{service}:{self.region}:{self.account}:{physical}"}
        if args.typ == "aws:kms/key:Key":
            state["keyId"] = f"key-{args.name}"
        if args.typ == "pagerduty:index/serviceIntegration:ServiceIntegration":
            state["integrationKey"] = f"pdkey-{args.name}"  # PagerDuty computes it
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account, "arn": "arn:aws:iam::x:user/t", "userId": "t", "id": self.account}, []
        if args.token == "aws:kms/getAlias:getAlias":
            alias = args.args["name"]
            return {"arn": alias, "targetKeyArn": f"arn:aws:kms:{self.region}:{self.account}:key/for-{alias}"}, []
        if args.token == "pagerduty:index/getVendor:getVendor":
            return {"id": "PZQ6AUS", "name": args.args["name"], "type": "api"}, []
        return {}, []

    def region_of(self, resource: Resource) -> str:
        """The region ``resource`` is created in: its explicit provider's ``region`` input, else the stack's."""
        if not resource.provider:
            return self.region
        provider_name = resource.provider.split("::")[-2].split("$")[-1] if "::" in resource.provider else ""
        (provider,) = [r for r in self.resources if r.type == "pulumi:providers:aws" and r.name == provider_name]
        return str(provider.inputs["region"])

    def of_type(self, suffix: str) -> list[Resource]:
        return [r for r in self.resources if r.type.endswith(suffix)]


def install(stack: str, config: dict[str, str], secret_keys: list[str], region: str = "us-east-1") -> Recorder:
    """Set the mocks (project ``vigil``) and the stack config; returns the recorder."""
    recorder = Recorder(region=region)

    class Monitor(MockMonitor):
        def RegisterResource(self, request: Any) -> Any:
            recorder.parents[(request.type, request.name)] = request.parent
            recorder.providers[(request.type, request.name)] = request.provider
            return super().RegisterResource(request)

    ensure_event_loop()  # an earlier test in this worker may have closed the thread's loop (asyncio.run)
    pulumi.runtime.set_mocks(recorder, project="vigil", stack=stack, preview=False, monitor=Monitor(recorder))
    pulumi.runtime.set_all_config(config, secret_keys=secret_keys)
    return recorder


def plain_strings(value: Any) -> list[str]:
    """Every string in ``value`` that is NOT inside a secret."""
    if isinstance(value, dict):
        if SECRET_SIG in value:
            return []
        return [s for v in value.values() for s in plain_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in plain_strings(v)]
    return [value] if isinstance(value, str) else []


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value
