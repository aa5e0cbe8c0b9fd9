"""Run a Pulumi program in-process under Pulumi's mock engine and record every resource it registers.

Pulumi is imported lazily (inside functions), so ``import vigil.preview`` works without the Pulumi SDK.
The mocks invent what the cloud would compute (ids, ARNs, physical names) and answer the invokes the
program makes (``aws:index/getCallerIdentity``, ``aws:kms/getAlias``, ``aws:index/getRegion``).
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.plan.stack import FAKE_ACCOUNT_ID

#: The signature Pulumi puts on a serialised secret value; the mock engine hands secrets over in this form.
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_MARK = "[secret]"
PREVIEW_ACCOUNT = FAKE_ACCOUNT_ID


@dataclass(frozen=True)
class RecordedResource:
    """One registered resource: Pulumi type token, logical name, parent URN ('' for the stack) and inputs."""

    type: str
    name: str
    parent: str
    inputs: Mapping[str, Any]
    custom: bool

    @property
    def urn_name(self) -> str:
        """``type::name``, the part of a URN that names this resource."""
        return f"{self.type}::{self.name}"


@dataclass
class Recording:
    """What a program registered, in registration order, and its stack outputs."""

    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


def ensure_event_loop() -> None:
    """Give this thread an open event loop for Pulumi's runtime.

    Pulumi's mock runtime calls ``asyncio.get_event_loop()``, which raises once anything in the process
    (``asyncio.run``, an ASGI test server) has finished its own loop and left ``None`` set.
    """
    import asyncio
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())


#: How a value that only exists after the resource is created shows in a preview (like ``pulumi preview``).
COMPUTED_MARK = "[computed]"
#: How an uploaded archive or asset (a canary's code) shows in a preview.
ARCHIVE_MARK = "[archive]"


def is_secret_value(value: object) -> bool:
    """True for a secret as the mock engine passes it (``{SECRET_SIG: ..., "value": ...}``)."""
    return isinstance(value, dict) and SECRET_SIG in value


def redact(value: object) -> object:
    """The value with every secret replaced by ``"[secret]"`` and every value only known after create (an id,
    a queue URL: Pulumi's ``Unknown`` in a preview) by ``"[computed]"``, recursively.

    >>> redact({"endpoint": {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270", "value": "k"}, "n": [1]})
    {'endpoint': '[secret]', 'n': [1]}
    """
    if is_secret_value(value):
        return SECRET_MARK
    if type(value).__name__ == "Unknown":
        return COMPUTED_MARK
    if type(value).__name__ in ("AssetArchive", "FileArchive", "RemoteArchive", "StringAsset", "FileAsset"):
        return ARCHIVE_MARK
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def _invented(typ: str, name: str, inputs: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """Computed outputs for a mocked resource: a physical name, an ARN, ids.

    Only what the cloud computes: Pulumi merges the inputs into the state itself, and sending them back
    through the mock monitor would double its serialisation work (the hot path of a 1,000-alarm preview).
    """
    service = typ.split(":")[1].split("/")[0] if typ.count(":") >= 2 else "x"
    physical = inputs.get("name") or inputs.get("alarmName") or inputs.get("dashboardName") or name
    state: dict[str, Any] = {"name": physical}
    if typ == "aws:sns/topic:Topic":
        state["arn"] = f"arn:aws:sns:{region}:{account}:{physical}"
    elif typ == "aws:cloudwatch/logGroup:LogGroup":
        state["arn"] = f"arn:aws:logs:{region}:{account}:log-group:{physical}"
    elif typ in ("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"):
        state["arn"] = f"arn:aws:cloudwatch:{region}:{account}:alarm:{physical}"
    elif typ == "aws:kms/key:Key":
        state.update(keyId=f"key-{name}", arn=f"arn:aws:kms:{region}:{account}:key/key-{name}")
    else:
        state["arn"] = f"arn:aws:{service}:{region}:{account}:{physical}"
    return state


def run_program(
    program: Path,
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: list[str] | None = None,
    region: str = "us-east-1",
    account_id: str = PREVIEW_ACCOUNT,
    init_globals: Mapping[str, Any] | None = None,
) -> Recording:
    """Run ``program`` (a ``__main__.py``) under the mock engine and record what it registers.

    ``init_globals`` become globals of the program (``vigil preview`` passes ``VIGIL_PRELOADED``).

    Example::

        >>> rec = run_program(Path("stacks/__main__.py"), project="vigil", stack="dev", config={})  # doctest: +SKIP
        >>> len(rec.resources)  # doctest: +SKIP
        120
    """
    import pulumi
    from pulumi.runtime.mocks import MockMonitor

    recording = Recording()
    parents: dict[tuple[str, str], str] = {}

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
            inputs = dict(args.inputs)
            parent = parents.get((args.typ, args.name), "")
            recording.resources.append(RecordedResource(args.typ, args.name, parent, inputs, bool(args.custom)))
            return f"{args.name}-id", _invented(args.typ, args.name, inputs, region, account_id)

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
            token = args.token
            if token == "aws:index/getCallerIdentity:getCallerIdentity":
                arn = f"arn:aws:iam::{account_id}:user/preview"
                return {"accountId": account_id, "arn": arn, "userId": "preview", "id": account_id}, []
            if token == "aws:index/getRegion:getRegion":
                return {"name": region, "region": region, "id": region}, []
            if token == "aws:kms/getAlias:getAlias":
                alias = args.args.get("name", "alias/unknown")
                key = f"arn:aws:kms:{region}:{account_id}:key/{alias.removeprefix('alias/')}"
                return {
                    "arn": f"arn:aws:kms:{region}:{account_id}:{alias}",
                    "targetKeyArn": key,
                    "targetKeyId": key,
                }, []
            return {}, []

    class Monitor(MockMonitor):
        def RegisterResource(self, request: Any) -> Any:
            parents[(request.type, request.name)] = request.parent
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    mocks = Mocks()
    ensure_event_loop()
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=True, monitor=Monitor(mocks))
    pulumi.runtime.set_all_config(dict(config), secret_keys=list(secret_keys or []))

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> None:
        runpy.run_path(str(program), init_globals=dict(init_globals or {}), run_name="__main__")

    run()
    return recording
