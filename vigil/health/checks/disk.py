"""Disk space check with ``shutil.disk_usage``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from os import PathLike

from vigil.health.errors import CheckConfigError
from vigil.health.types import Observation, Status


def disk_space_check(
    path: str | PathLike[str] = "/", *, warn_used_percent: float = 85.0, fail_used_percent: float = 95.0
) -> Callable[[], Observation]:
    """A check reporting the used percentage of the filesystem holding ``path``; warns and fails above bounds.

    Register it with ``measurement="utilization"``.

    >>> disk_space_check("/", warn_used_percent=100.0, fail_used_percent=100.0)().unit
    'percent'
    """
    if not 0 < warn_used_percent <= fail_used_percent <= 100:
        raise CheckConfigError(
            f"disk_space_check: need 0 < warn ({warn_used_percent}) <= fail ({fail_used_percent}) <= 100"
        )

    def check() -> Observation:
        usage = shutil.disk_usage(path)
        used = round(100.0 * usage.used / usage.total, 2) if usage.total else 100.0
        if used >= fail_used_percent:
            status = Status.FAIL
        elif used >= warn_used_percent:
            status = Status.WARN
        else:
            status = Status.PASS
        output = "" if status is Status.PASS else f"{path}: {used:.1f} % used, {usage.free} bytes free"
        return Observation(status, value=used, unit="percent", output=output)

    return check
