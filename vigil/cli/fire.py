"""``vigil fire ALARM --stack NAME [--endpoint URL]``: an end-to-end routing test of one alarm.

On AWS: SetAlarmState ALARM (CloudWatch runs the real actions), then OK. On the emulator: the state is set and
Vigil publishes CloudWatch's notification to the severity's topic itself (the emulator runs no actions).
Prints every subscription of the topic and whether it is confirmed. Exit codes: 0 fired, 1 unknown alarm,
no actions, unreadable endpoint or a subscription pending confirmation, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from vigil.cli.project import project_root
from vigil.cli.verify import add_target_arguments, require


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``fire`` sub-command to the ``vigil`` parser.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["fire", "worker-down", "--stack", "dev"]).alarm
        'worker-down'
    """
    parser = subparsers.add_parser(
        "fire",
        help="routing test: put one alarm into ALARM and back, and list who is notified",
        description="Set ALARM then OK on one alarm so its notifications go out (on the emulator, Vigil "
        "publishes CloudWatch's notification itself); list the topic's subscriptions and their confirmation.",
    )
    parser.add_argument("alarm", nargs="?", default=None, metavar="ALARM", help="alarm name, as in alarms/*.yaml")
    add_target_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Fire the alarm and print what happened; returns the exit code."""
    import os

    from vigil.plan.stack import ProjectErrors, load_stack_plan
    from vigil.verify import AwsTarget, VerifyError
    from vigil.verify.fire import fire
    from vigil.verify.stack import stack_region

    out, err = out or sys.stdout, err or sys.stderr
    root = project_root(args, "fire")
    if root is None or not require(args, "fire", err, alarm="ALARM", stack="--stack NAME"):
        return 2
    try:
        target = AwsTarget(
            stack_region(root, args.stack), endpoint_url=args.endpoint or os.environ.get("AWS_ENDPOINT_URL") or None
        )
        loaded = load_stack_plan(root, args.stack, account_id=target.account_id())
        result = fire(target, loaded.plan, args.alarm)
    except (VerifyError, ProjectErrors) as exc:
        print(f"vigil fire: {exc}", file=err)
        return 1
    for note in result.notes:
        print(note, file=out)
    if result.topic_arn is None:
        return 1
    print(f"{result.alarm}: {' -> '.join(result.states)} on {target.where}; topic {result.topic_arn}", file=out)
    for title, message_id in result.published:
        print(f"  published by Vigil (the emulator runs no alarm actions): {title} (message {message_id})", file=out)
    if not result.subscriptions:
        print("  the topic has no subscriptions: nobody was notified", file=out)
    for sub in result.subscriptions:
        state = "PENDING CONFIRMATION (receives nothing until confirmed)" if sub.pending else "confirmed"
        print(f"  subscription {sub.protocol:<6} {sub.endpoint}: {state}", file=out)
    return 1 if not result.subscriptions or any(s.pending for s in result.subscriptions) else 0
