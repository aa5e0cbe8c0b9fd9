"""``vigil test [FILES...] [--project PROJECT] [--format text|json]``: alarm unit tests with CloudWatch's semantics.

Default files: ``alarms/tests/*.yaml``. Exit 0 when every case passes, 1 when a case fails, 2 on bad input
(located ``file:line: field: message``, like ``vigil check``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vigil.alarmtest.runner import Report, run_tests
from vigil.cli.project import add_project_argument, project_root
from vigil.spec.testfile import TESTS_DIR, default_test_files


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``test`` sub-command."""
    parser = sub.add_parser(
        "test", help="unit-test alarms: feed series to the stack's alarms and check their states (CloudWatch semantics)"
    )
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help=f"test files (default: the project's {TESTS_DIR}/*.yaml)"
    )
    add_project_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the tests; see the module docstring for exit codes."""
    root = project_root(args, "test")
    if root is None:
        return 2
    files: list[Path] = list(args.files) or default_test_files(root)
    if not files:
        print(
            f"vigil test: no test files in {root / TESTS_DIR} (write one: docs/alarm-testing.md describes the format)",
            file=sys.stderr,
        )
        return 2
    missing = [f for f in files if not f.is_file()]
    if missing:
        print(f"vigil test: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    report = run_tests(root, files)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        _print_text(report, len(files))
    return report.exit_code


def _print_text(report: Report, n_files: int) -> None:
    for error in report.errors:
        print(error)
    for case in report.cases:
        status = "PASS" if case.passed else "FAIL"
        print(f"{status} {case.file}:{case.line}: {case.name} (stack {case.stack})")
        for failure in case.failures:
            print(f"  {case.file}:{failure.line}: {failure.alarm}: expected {failure.expected}, got {failure.got}")
            for row in failure.context:
                print(f"    {row}")
        for note in case.notes:
            print(f"  note: {note}")
    verdict = "ok" if report.exit_code == 0 else ("ERRORS" if report.exit_code == 2 else "FAILED")
    print(
        f"vigil test {verdict}: {report.passed} passed, {report.failed} failed, "
        f"{sum(e.severity == 'error' for e in report.errors)} input error(s) ({n_files} file(s))"
    )
