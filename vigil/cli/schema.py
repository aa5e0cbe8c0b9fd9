"""``vigil schema [--out DIR] [--check]``: write (or verify) the JSON Schema of each spec kind."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vigil.spec.schema import KINDS, render, write_schemas


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` sub-command."""
    parser = sub.add_parser("schema", help="write JSON Schemas of the spec files for editor autocompletion")
    parser.add_argument("--out", default="schemas", help="output directory (default: schemas)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files on disk are out of date")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the schemas, or with ``--check`` compare them with the files on disk."""
    out = Path(args.out)
    if args.check:
        stale = [
            k
            for k in KINDS
            if not (out / f"{k}.schema.json").is_file()
            or (out / f"{k}.schema.json").read_text(encoding="utf-8") != render(k)
        ]
        for kind in stale:
            print(f"{out / f'{kind}.schema.json'}: out of date; run `vigil schema --out {out}`")
        return 1 if stale else 0
    for path in write_schemas(out):
        print(f"wrote {path}", file=sys.stderr)
    return 0
