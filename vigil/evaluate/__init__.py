"""Old name of :mod:`vigil.emulator` (the package was split into ``emulator``, ``alarmtest`` and ``backtest``).

Kept only so imports written against the old layout keep working (the README's examples, until the docs move);
new code imports :mod:`vigil.emulator`. ``vigil.evaluate.logfilter`` is :mod:`vigil.emulator.logfilter`.

    >>> import vigil.evaluate.logfilter, vigil.emulator.logfilter
    >>> vigil.evaluate.logfilter is vigil.emulator.logfilter
    True
"""

from __future__ import annotations

import sys

from vigil.emulator import *  # noqa: F403
from vigil.emulator import __all__ as __all__
from vigil.emulator import logfilter

sys.modules[f"{__name__}.logfilter"] = logfilter
