"""A local AWS (moto's server on 127.0.0.1, a free port) for the demo and the tests; needs ``moto[server]``."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
import urllib.request
from collections.abc import Iterator

from vigil.plan.stack import FAKE_ACCOUNT_ID
from vigil.plan.types import StackPlan
from vigil.verify.aws import AwsTarget
from vigil.verify.receiver import WebhookReceiver

#: moto's default account (what STS GetCallerIdentity answers).
EMULATOR_ACCOUNT = FAKE_ACCOUNT_ID
_ENV = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")


@contextlib.contextmanager
def local_aws(region: str = "us-east-1", port: int = 0) -> Iterator[str]:
    """Start moto's server (``port`` 0: a free one), point boto3 at it through the environment (dummy credentials), yield its URL.

    The environment is restored and the server stopped on exit, also on Ctrl-C.

    >>> with local_aws() as url:  # doctest: +SKIP
    ...     AwsTarget("us-east-1", url).client("sns").list_topics()["Topics"]
    []
    """
    from moto.server import ThreadedMotoServer

    for name in ("werkzeug", "moto"):  # moto's per-request access log and its tracebacks for unimplemented calls
        logging.getLogger(name).setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        wsgi = server._server
        if wsgi is None:
            raise RuntimeError("moto server did not start")
        url = f"http://127.0.0.1:{wsgi.server_port}"
        saved = {k: os.environ.get(k) for k in _ENV}
        os.environ.update(
            AWS_ENDPOINT_URL=url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION=region,
        )
        try:
            yield url
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    finally:
        server.stop()


def reset(url: str) -> None:
    """Forget every resource of the emulator at ``url`` (moto's ``POST /moto-api/reset``)."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def stand_in_for_chat(target: AwsTarget, plan: StackPlan, topic_arns: dict[str, str], url: str) -> int:
    """Subscribe ``url`` (a loopback receiver) to every topic an AWS Chatbot channel reads; returns how many.

    The emulator has no Chatbot: the receiver gets what the Slack or Teams channel would.
    """
    severities = {s.value for channel in plan.routing.chat_channels for s in channel.severities}
    arns = [arn for key, arn in sorted(topic_arns.items()) if key in severities]
    for arn in arns:
        target.client("sns").subscribe(TopicArn=arn, Protocol="http", Endpoint=url)
    return len(arns)


def stand_in_for_services(target: AwsTarget, plan: StackPlan) -> int:
    """Create the ECS clusters and services the plan's ``scale`` actions scale; returns how many services.

    They are the application's, not Vigil's (``pulumi up`` never creates them), but Application Auto Scaling
    registers a target only for a service that exists, so the emulator gets empty stand-ins.
    """
    ecs = target.client("ecs")
    services = [t.resource_id.split("/")[1:] for t in plan.alarms.scalable_targets]
    for cluster, service in services:
        ecs.create_cluster(clusterName=cluster)
        ecs.create_service(cluster=cluster, serviceName=service, desiredCount=1)
    return len(services)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(argv: list[str] | None = None) -> int:
    """``python -m vigil.verify.emulator --stack dev [--port 5000]``: moto with the stack's plan applied, until Ctrl-C.

    A loopback receiver that prints what it receives stands in for the AWS Chatbot channels, and empty ECS services
    for the services ``scale`` actions scale; subscriptions to hosts outside 127.0.0.1 (PagerDuty, Chatbot) are not
    created, since moto would really POST to them.
    """
    import argparse

    from vigil.plan.stack import load_stack_plan
    from vigil.verify.apply import apply_plan
    from vigil.verify.receiver import webhook_receiver
    from vigil.verify.stack import stack_region

    parser = argparse.ArgumentParser(prog="python -m vigil.verify.emulator", description=serve.__doc__)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--project", default=".", help="project root (default: .)")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    region = stack_region(args.project, args.stack)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it as cleanly as Ctrl-C
    with local_aws(region) as staging, webhook_receiver() as hook:
        target = AwsTarget(region, endpoint_url=staging, emulator=True)
        loaded = load_stack_plan(args.project, args.stack, account_id=EMULATOR_ACCOUNT)
        stand_in_for_services(target, loaded.plan)
        applied = apply_plan(target, loaded.plan, loaded.config_value)
        stand_in_for_chat(target, loaded.plan, applied.topic_arns, hook.url)
        # moto's state is per process: a second server on the public port, opened only now, serves the same
        # resources, so whoever waits for the port never sees a half-applied stack.
        from moto.server import ThreadedMotoServer

        public = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
        public.start()
        try:
            port = public._server.server_port if public._server else args.port
            url = f"http://127.0.0.1:{port}"
            print(
                f"local AWS (moto) at {url} with stack {args.stack!r} applied; webhook receiver at {hook.url}",
                flush=True,
            )
            for skipped in applied.skipped:
                print(f"  not created: {skipped}", flush=True)
            _print_deliveries(hook)
        except KeyboardInterrupt:
            return 0
        finally:
            public.stop()
    return 0


def _print_deliveries(hook: WebhookReceiver) -> None:
    """Print each notification the receiver gets, until interrupted."""
    seen = 0
    while True:
        time.sleep(0.2)
        notes = hook.notifications()
        for note in notes[seen:]:
            print(f"webhook received: {note.envelope.get('Subject')}", flush=True)
        seen = len(notes)


if __name__ == "__main__":
    raise SystemExit(serve())
