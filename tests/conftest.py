"""Suite-wide settings.

Hypothesis's per-example deadline is a timed assertion: on a loaded 2-core machine an ordinary example takes
longer than 200 ms and the test fails for a reason no user would notice. The suite measures behaviour, never
speed (benchmarks/ does that), so the deadline is off for every property test.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("vigil", deadline=None)
settings.load_profile("vigil")
