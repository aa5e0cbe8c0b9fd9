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
from vigil.cost import check_budget, estimate_stack
from vigil.docs.catalog import check_catalog
from vigil.docs.descriptions import check_descriptions
from vigil.docs.runbooks import check_runbooks
from vigil.docs.stacks import plan_stacks
from vigil.plan.collisions import find_collisions
from vigil.plan.stack import LoadedStack, ProjectErrors, load_stack_plan
from vigil.spec import ParseCache, SpecError, available_stacks, load_project


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

    Each stack is loaded, validated and planned by the one entry point (:func:`vigil.plan.stack.load_stack_plan`),
    so what ``check`` passes, ``pulumi up`` can plan; a plan error is a located error, never a traceback. The plan
    is then priced against ``vigil:budget_usd`` and compared with every other stack of the project: two stacks
    that would create the same names in one account and region are an error (``vigil.plan.collisions``).
    """
    seen: dict[tuple[str, int, str, str, str], SpecError] = {}
    cache = ParseCache()  # every file is parsed and validated once, whatever the number of stacks
    planned: dict[str, LoadedStack] = {}

    def add(errors: list[SpecError]) -> None:
        for error in errors:
            seen.setdefault((error.file, error.line, error.field, error.message, error.severity), error)

    for stack in stacks:
        result = load_project(project, stack=stack, cache=cache)
        add(result.errors)
        if not result.ok:
            continue
        try:
            loaded = load_stack_plan(project, stack, result=result)
        except ProjectErrors as exc:
            add(exc.errors)
            continue
        add(_budget(loaded))
        if stack is not None:
            planned[stack] = loaded
    if not any(e.severity == "error" for e in seen.values()):
        add(_collisions(project, [s for s in stacks if s], cache, planned))
        add(_generated_documents(project, planned))
    return sorted(seen.values(), key=lambda e: (e.file, e.line, e.field, e.message))


def _generated_documents(project: Path, planned: dict[str, LoadedStack]) -> list[SpecError]:
    """Runbook trigger sections, descriptions and the catalog reference that disagree with the plan of every stack.

    Only when every stack plans (``planned`` holds them all after the collision pass): a document generated from
    some stacks would be reported stale for the ones that failed.
    """
    if not planned or set(planned) != set(available_stacks(project)):
        return []
    views = plan_stacks(project, planned)
    return check_runbooks(project, views) + check_catalog(project, views) + check_descriptions(views)


def _budget(loaded: LoadedStack) -> list[SpecError]:
    """The stack's estimated monthly cost over its ``vigil:budget_usd``, located at ``budget_usd``."""
    stack = loaded.project.stack
    if stack is None or stack.budget_usd is None:
        return []
    messages = check_budget(estimate_stack(loaded))
    return [loaded.result.sources.error("stack", stack.name, ("budget_usd",), m) for m in messages]


def _collisions(
    project: Path, requested: list[str], cache: ParseCache, planned: dict[str, LoadedStack]
) -> list[SpecError]:
    """Stacks whose planned names collide with another stack's, located at ``vigil:environment``.

    Stacks that were not requested are planned too (they may share an account); one that does not load is
    skipped here (``vigil check --stack`` on it reports why).
    """
    for name in available_stacks(project):
        if name not in planned:
            try:
                planned[name] = load_stack_plan(project, name, cache=cache)
            except ProjectErrors:
                continue
    plans = [(n, s.project.stack.account_id if s.project.stack else None, s.plan) for n, s in sorted(planned.items())]
    errors: list[SpecError] = []
    for collision in find_collisions(plans):
        if collision.first not in requested and collision.second not in requested:
            continue
        sources = planned[collision.second].result.sources
        errors.append(sources.error("stack", collision.second, ("environment",), collision.message()))
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
