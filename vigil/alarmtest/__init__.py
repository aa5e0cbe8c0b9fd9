"""``vigil test``: unit tests for alarms, run through the CloudWatch emulator (:mod:`vigil.emulator`).

- :mod:`vigil.spec.testfile`: the ``alarms/tests/*.yaml`` format and its loader (errors carry ``file:line``; it is
  a spec file, so ``vigil schema`` writes ``schemas/tests.schema.json`` from it);
- :mod:`vigil.spec.notation`: series values in promtool's expanding notation, and durations (``90s``, ``1h30m``);
- :mod:`.runner`: feeds each case's series into a store, evaluates the stack's alarms, compares expectations;
- :mod:`.notify_checks`: expectations about pages and notifications; :mod:`.raw_rules`: raw AlarmRule strings.

Example::

    >>> from pathlib import Path
    >>> from vigil.alarmtest import default_test_files, run_tests
    >>> report = run_tests(Path("."), default_test_files(Path(".")))
    >>> report.exit_code
    0
"""

from __future__ import annotations

from vigil.alarmtest.runner import Report, run_tests
from vigil.spec.notation import NotationError, expand, parse_duration
from vigil.spec.testfile import TESTS_DIR, TestFile, default_test_files, load_test_file

__all__ = [
    "TESTS_DIR",
    "NotationError",
    "Report",
    "TestFile",
    "default_test_files",
    "expand",
    "load_test_file",
    "parse_duration",
    "run_tests",
]
