"""``vigil init DIR [--service NAME[:KIND] ...] [--prefix NAME] [--name NAME] [--vigil-source SRC]``: a new project.

Creates DIR (absent or empty) with Pulumi.yaml, dev and prod stacks, a starter catalog per service by kind
(``http``: request, error and latency metrics, an availability SLO, error-rate and latency alarms;
``queue-worker``: SQS backlog, age of the oldest message, progress and heartbeat alarms; ``scheduled-job``:
missed, failed and slow runs), each alarm with a runbook and unit tests, a dashboard per service, routing, JSON
Schemas, .gitignore, requirements.txt (Vigil from ``--vigil-source``) and a CI workflow. The new project passes ``vigil check``,
``vigil test`` and ``vigil preview`` as created. Exit 0 created, 2 usage errors (nothing written).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from vigil.init import InitError, create_project
from vigil.init.source import VigilSource


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``init`` sub-command.

    >>> parser = argparse.ArgumentParser(prog="vigil")
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["init", "shop", "--service", "api", "--service", "worker"]).service
    ['api', 'worker']
    """
    parser = sub.add_parser(
        "init",
        help="create a new project (catalog, alarms, tests, dashboards, stacks) that passes check, test and preview",
        description="Create a new Vigil project in DIR with a starter catalog for each --service.",
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="directory to create (must be absent or empty)")
    parser.add_argument(
        "--service",
        action="append",
        metavar="NAME[:KIND]",
        help="a service to monitor (lowercase, e.g. api) and its kind: http (default), queue-worker or "
        "scheduled-job (e.g. settlement:queue-worker); repeat for several (default: api)",
    )
    parser.add_argument(
        "--vigil-source",
        metavar="SRC",
        help="where requirements.txt (and CI) install Vigil from: a Vigil clone's directory, a VCS URL "
        "(git+https://...@TAG) or a version (default: where this Vigil was installed from)",
    )
    parser.add_argument("--prefix", metavar="NAME", help="EMF namespace prefix: <prefix>/<Service> (default: from DIR)")
    parser.add_argument("--name", metavar="NAME", help="Pulumi project name (default: DIR's name, lowercased)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Create the project and print what was written and what to run next."""
    services: list[str] = args.service or ["api"]
    try:
        source = VigilSource.parse(args.vigil_source) if args.vigil_source else None
        files = create_project(args.dir, services, prefix=args.prefix, project=args.name, source=source)
    except InitError as exc:
        print(f"vigil init: {exc}", file=sys.stderr)
        return 2
    _write_trigger_sections(Path(args.dir))
    print(f"created {args.dir} ({len(files)} files) for service(s): {', '.join(dict.fromkeys(services))}")
    for path in files:
        print(f"  {path}")
    print(f"next:\n  cd {shlex.quote(str(args.dir))}\n  vigil check\n  vigil test\n  vigil preview")
    return 0


def _write_trigger_sections(root: Path) -> None:
    """The runbooks' trigger sections, written from the new project's plans (``vigil docs`` keeps them current)."""
    from vigil.docs.runbooks import write_runbooks
    from vigil.docs.stacks import plan_stacks

    write_runbooks(root, plan_stacks(root))
