"""``vigil test``: unit tests for alarms, run through the CloudWatch emulator (:mod:`vigil.emulator`).

- :mod:`.testfile`: the ``alarms/tests/*.yaml`` format and its loader (errors carry ``file:line``);
- :mod:`.notation`: series values in promtool's expanding notation, and durations (``90s``, ``1h30m``);
- :mod:`.runner`: feeds each case's series into a store, evaluates the stack's alarms, compares expectations.

Example::

    >>> from pathlib import Path
    >>> from vigil.alarmtest import default_test_files, run_tests
    >>> report = run_tests(Path("."), default_test_files(Path(".")))
    >>> report.exit_code
    0
"""

from __future__ import annotations

from vigil.alarmtest.notation import NotationError, expand, parse_duration
from vigil.alarmtest.runner import Report, run_tests
from vigil.alarmtest.testfile import TESTS_DIR, TestFile, default_test_files, load_test_file

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
