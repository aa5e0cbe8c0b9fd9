"""Process and runtime metrics of the application itself (seed 004 performance counters), sampled on demand.

The container's CPU and memory come from ECS (the system overview graphs them); these are what the Python
process sees: its own CPU use since the last sample, its resident memory, its live threads, and the garbage
collector's runs. Call :meth:`ProcessMetrics.sample` from a loop the service already has (every minute is
enough); the first call only starts the CPU clock. Standard library only (``resource`` and ``/proc`` on Linux).

Metrics (catalog names, one EMF line per sample): ``process.cpu.utilization`` (Percent of one core),
``process.memory.rss`` (Bytes), ``process.threads`` (Count), ``process.gc.collections`` (Count since the last
sample, all generations).

Example::

    >>> from vigil.emf import InMemorySink, MetricsLogger
    >>> sink = InMemorySink()
    >>> process = ProcessMetrics(MetricsLogger("Vigil/Worker", {"Service": "worker"}, sink))
    >>> process.sample(); process.sample()
    >>> sorted(k for k in sink.events()[-1] if k.startswith("process."))
    ['process.cpu.utilization', 'process.gc.collections', 'process.memory.rss', 'process.threads']
"""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path

from vigil.emf.logger import MetricsLogger

_STATM = Path("/proc/self/statm")


def resident_bytes() -> int:
    """The process's resident memory now (``/proc/self/statm``), else its peak (``getrusage``), else 0.

    >>> resident_bytes() > 0
    True
    """
    try:
        pages = int(_STATM.read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak) * (1 if os.uname().sysname == "Darwin" else 1024)  # macOS reports bytes, Linux KiB
    except (ImportError, OSError):
        return 0


def _collections() -> int:
    return sum(int(generation.get("collections", 0)) for generation in gc.get_stats())


class ProcessMetrics:
    """Samples this process and writes the ``process.*`` metrics to ``logger`` (see the module docstring)."""

    def __init__(self, logger: MetricsLogger) -> None:
        self.logger = logger
        self._lock = threading.Lock()
        self._last: tuple[float, float, int] | None = None  # (wall, cpu, gc collections) at the last sample

    def sample(self) -> None:
        """Write one line: CPU since the last sample (none on the first call), memory, threads, GC runs."""
        wall, cpu, collections = time.monotonic(), time.process_time(), _collections()
        with self._lock:
            last, self._last = self._last, (wall, cpu, collections)
        event = self.logger.event()
        event.metric("process.memory.rss", resident_bytes(), "Bytes")
        event.metric("process.threads", threading.active_count(), "Count")
        if last is not None and wall > last[0]:
            event.metric("process.cpu.utilization", round(100.0 * (cpu - last[1]) / (wall - last[0]), 2), "Percent")
            event.metric("process.gc.collections", max(0, collections - last[2]), "Count")
        event.emit()
