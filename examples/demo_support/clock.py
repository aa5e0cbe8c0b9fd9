"""The demo's simulated clock: each real second of traffic is stamped as ``speed`` seconds of CloudWatch time.

Alarms have 1-minute periods and 5-minute windows; a demo must finish in under 3 minutes. So the EMF lines the
example service writes pass through :class:`DilatingSink`, which rewrites their ``_aws.Timestamp`` on a clock
running ``speed`` times faster and anchored in the past (CloudWatch Logs accepts past events, not future ones),
before they go to CloudWatch Logs. Every value in the lines (latencies, counts, tokens) is untouched: only time
is stretched. Counts per period are therefore counts per ``60 / speed`` real seconds, which the traffic driver
sizes for.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from vigil.emf.sinks.base import Sink, SinkStats


@dataclass(frozen=True)
class SimClock:
    """``sim(t) = anchor + (t - real_start) * speed`` (epoch seconds)."""

    real_start: float
    anchor: float
    speed: float

    @classmethod
    def starting_now(cls, speed: float, span_real_s: float) -> SimClock:
        """A clock whose simulated span (``span_real_s`` real seconds) ends a little before now."""
        now = time.time()
        anchor = now - span_real_s * speed - 600
        return cls(now, anchor - anchor % 60, speed)

    def sim(self, real: float | None = None) -> float:
        """Simulated time of a real time (default: now)."""
        return self.anchor + ((time.time() if real is None else real) - self.real_start) * self.speed


class DilatingSink:
    """A sink that restamps each EMF line on the simulated clock and hands it to ``inner``."""

    def __init__(self, inner: Sink, clock: SimClock) -> None:
        self.inner, self.clock = inner, clock

    def write(self, line: str) -> None:
        """Restamp and forward one line (``_aws`` stays the first key, as CloudWatchLogsSink expects)."""
        doc = json.loads(line)
        real_ms = doc["_aws"]["Timestamp"]
        doc["_aws"]["Timestamp"] = int(self.clock.sim(real_ms / 1000.0) * 1000)
        self.inner.write(json.dumps(doc, separators=(",", ":")))

    def flush(self) -> None:
        """Flush the inner sink."""
        self.inner.flush()

    def close(self) -> None:
        """Close the inner sink."""
        self.inner.close()

    @property
    def stats(self) -> SinkStats:
        """The inner sink's statistics."""
        return self.inner.stats
