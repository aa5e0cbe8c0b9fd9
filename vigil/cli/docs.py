"""``vigil docs [PROJECT] [--check]``: write what on-call reads from the plan of every stack.

Rewrites the generated trigger section of every runbook (between the ``vigil:triggers`` markers; hand-written
prose is kept) and the catalog reference ``docs/reference/catalog.md``. ``--check`` writes nothing and exits 1
when a file is stale. Exit 2 when the project has errors (run ``vigil check``).
"""

from __future__ import annotations

import argparse
import sys

from vigil.cli.project import add_project_argument, project_root


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``docs`` sub-command."""
    parser = sub.add_parser("docs", help="write runbook trigger sections and the catalog reference from the plan")
    add_project_argument(parser, positional=True)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a generated file is stale")
    parser.add_argument(
        "--drop-hand-triggers",
        action="store_true",
        help="also delete runbook paragraphs that start with 'Fires when' (the generated section replaces them)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write (or check) the generated documents; see the module docstring for exit codes."""
    from vigil.docs.catalog import CATALOG_PATH, check_catalog, render_catalog
    from vigil.docs.runbooks import check_runbooks, write_runbooks
    from vigil.docs.stacks import plan_stacks
    from vigil.spec import available_stacks

    project = project_root(args, "docs")
    if project is None:
        return 2
    views = plan_stacks(project)
    broken = sorted(set(available_stacks(project)) - {v.stack for v in views})
    if broken or not views:
        print(
            f"vigil docs: stack(s) {', '.join(broken) or '(none)'} do not load; run `vigil check` first",
            file=sys.stderr,
        )
        return 2
    if args.check:
        errors = [e for e in check_runbooks(project, views) if "stale" in e.message] + check_catalog(project, views)
        for error in errors:
            print(error)
        print(f"vigil docs: {len(errors)} stale file(s)" if errors else "vigil docs: up to date")
        return 1 if errors else 0
    changed = write_runbooks(project, views, drop_hand=args.drop_hand_triggers)
    catalog = project / CATALOG_PATH
    text = render_catalog(views)
    if not catalog.is_file() or catalog.read_text(encoding="utf-8") != text:
        catalog.parent.mkdir(parents=True, exist_ok=True)
        catalog.write_text(text, encoding="utf-8")
        changed.append(CATALOG_PATH)
    for path in changed:
        print(f"wrote {path}")
    print(f"vigil docs: {len(changed)} file(s) written from the plans of {', '.join(v.stack for v in views)}")
    return 0
