"""``vigil check [PROJECT] [--stack NAME] [--format text|json]``: validate a project.

The project is found from the current directory (or ``PROJECT``) like git finds a repository. Without ``--stack`` every stack under ``stacks/`` is checked (and the project on its own when there is
none). Exit 0 when clean (warnings allowed), 1 when any error is found, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vigil.cli.project import add_project_argument, project_root
from vigil.spec import LoadResult, ParseCache, SpecError, available_stacks, load_project


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` sub-command."""
    parser = sub.add_parser("check", help="validate specs: models, cross-references, CloudWatch limits, policy")
    add_project_argument(parser, positional=True)
    parser.add_argument(
        "--stack", metavar="STACK", help="check one stack, stacks/Pulumi.<STACK>.yaml (default: every stack)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.set_defaults(func=run)


def collect(project: Path, stacks: list[str | None]) -> list[SpecError]:
    """Errors of every requested stack, each reported once even when several stacks share it.

    Each requested stack is also compared with every other stack of the project: two stacks that would
    create the same names in one account and region are an error (``vigil.plan.collisions``).
    """
    seen: dict[tuple[str, int, str, str, str], SpecError] = {}
    cache = ParseCache()  # every file is parsed and validated once, whatever the number of stacks
    results: dict[str, LoadResult] = {}
    for stack in stacks:
        result = load_project(project, stack=stack, cache=cache)
        if stack is not None:
            results[stack] = result
        for error in result.errors:
            seen.setdefault((error.file, error.line, error.field, error.message, error.severity), error)
    if not any(e.severity == "error" for e in seen.values()):
        loaded = {
            name: results.get(name) or load_project(project, stack=name, cache=cache)
            for name in available_stacks(project)
        }
        for error in [*_collisions([s for s in stacks if s], loaded), *_generated_documents(project, loaded)]:
            seen.setdefault((error.file, error.line, error.field, error.message, error.severity), error)
    return sorted(seen.values(), key=lambda e: (e.file, e.line, e.field, e.message))


def _generated_documents(project: Path, loaded: dict[str, LoadResult]) -> list[SpecError]:
    """Runbook trigger sections and the catalog reference that disagree with the plan of every stack."""
    if not loaded or not all(r.ok for r in loaded.values()):
        return []
    try:
        from vigil.docs.catalog import check_catalog
        from vigil.docs.descriptions import check_descriptions
        from vigil.docs.runbooks import check_runbooks
        from vigil.docs.stacks import plan_stacks
    except ImportError:  # pragma: no cover - an install without components/ cannot plan names
        return []
    views = plan_stacks(project, loaded)
    return check_runbooks(project, views) + check_catalog(project, views) + check_descriptions(views)


def _collisions(requested: list[str], loaded: dict[str, LoadResult]) -> list[SpecError]:
    """Stacks whose planned names collide with another stack's, located at ``vigil:environment``."""
    try:
        from vigil.components.naming import Naming
    except ImportError:  # pragma: no cover - an install without components/ cannot plan names
        return []
    from vigil.plan import plan_project
    from vigil.plan.collisions import find_collisions

    plans = [
        (
            name,
            r.project.stack.account_id if r.project.stack else None,
            plan_project(r.project, Naming.for_project(r.project), "000000000000"),
        )
        for name, r in loaded.items()
        if r.ok
    ]
    errors: list[SpecError] = []
    for collision in find_collisions(plans):
        if collision.first not in requested and collision.second not in requested:
            continue
        result = loaded[collision.second]
        errors.append(result.sources.error("stack", collision.second, ("environment",), collision.message()))
    return errors


def run(args: argparse.Namespace) -> int:
    """Run the check; see the module docstring for exit codes."""
    project = project_root(args, "check")
    if project is None:
        return 2
    known = available_stacks(project)
    if args.stack is not None and args.stack not in known:
        print(
            f"vigil check: no stack '{args.stack}' (stacks/Pulumi.{args.stack}.yaml); known: {', '.join(known) or 'none'}",
            file=sys.stderr,
        )
        return 2
    stacks: list[str | None] = [args.stack] if args.stack else (list(known) or [None])
    errors = collect(project, stacks)
    if args.format == "json":
        payload: list[dict[str, Any]] = [e.to_dict() for e in errors]
        print(json.dumps(payload, indent=2))
    else:
        _print_text(errors, stacks)
    return 1 if any(e.severity == "error" for e in errors) else 0


def _print_text(errors: list[SpecError], stacks: list[str | None]) -> None:
    for error in errors:
        print(error)
    n_err = sum(e.severity == "error" for e in errors)
    n_warn = len(errors) - n_err
    names = ", ".join(s for s in stacks if s) or "no stack"
    verdict = "ok" if n_err == 0 else "FAILED"
    print(f"vigil check {verdict}: {n_err} error(s), {n_warn} warning(s) (stacks: {names})")
