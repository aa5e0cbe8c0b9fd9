"""Pictures and the static HTML report of a run: dashboards drawn locally, alarm timeline, detections, notifications.

Everything here draws with matplotlib (``pip install 'vigil-monitoring[plot]'``) on its object API (``Figure``, no pyplot,
no display needed). Import the modules you need; this package itself imports nothing heavy.

Example::

    >>> from vigil.report.dashboard import render_dashboard  # doctest: +SKIP
    >>> from vigil.report.widgets import Data  # doctest: +SKIP
    >>> render_dashboard(board.name, board.body, Data(store, evaluation, start, end, 300), Path("out/x.png"))  # doctest: +SKIP
"""

from __future__ import annotations

from vigil.report.errors import ReportError

__all__ = ["ReportError"]
