"""``vigil schema [--out DIR] [--check] [--project PROJECT]``: write (or verify) the JSON Schema of each spec kind.

Without ``--out`` the schemas go to the project's ``schemas/`` (the project found like git finds a repository),
so the command does the same thing from any directory inside the project; outside one it exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vigil.cli.project import add_project_argument, project_root
from vigil.spec.schema import KINDS, render, write_schemas

SCHEMAS_DIR = "schemas"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` sub-command."""
    parser = sub.add_parser("schema", help="write JSON Schemas of the spec files for editor autocompletion")
    parser.add_argument(
        "--out", default=None, metavar="DIR", help=f"output directory (default: the project's {SCHEMAS_DIR}/)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the files on disk are out of date")
    add_project_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the schemas, or with ``--check`` compare them with the files on disk."""
    if args.out is not None:
        out = Path(args.out)
    else:
        root = project_root(args, "schema")
        if root is None:
            return 2
        out = root / SCHEMAS_DIR
    if args.check:
        stale = [
            k
            for k in KINDS
            if not (out / f"{k}.schema.json").is_file()
            or (out / f"{k}.schema.json").read_text(encoding="utf-8") != render(k)
        ]
        fix = "vigil schema" if args.out is None else f"vigil schema --out {out}"
        for kind in stale:
            print(f"{out / f'{kind}.schema.json'}: out of date; run `{fix}`")
        return 1 if stale else 0
    for path in write_schemas(out):
        print(f"wrote {path}", file=sys.stderr)
    return 0
