"""``vigil drill``: fault classes injected into generated or recorded traffic, every alarm of a stack evaluated.

- :mod:`.traffic_spec` / :mod:`.drill_spec`: the traffic file (normal traffic as signals) and the drill file
  (fault classes with severity, normal-day noise, targets); :mod:`.load` reads both with located errors;
- :mod:`.world`: normal traffic generated over a horizon (numpy, seeded);
- :mod:`.inject`: faults and noise applied to a window of it;
- :mod:`.keys`: signals to the metric keys alarms read, into the emulator's store;
- :mod:`.draws`: random incidents and normal days;
- :mod:`.window` / :mod:`.run`: evaluation (the emulator; pages counted as ``vigil backtest`` counts them);
- :mod:`.result` / :mod:`.html`: per-class statistics, JSON contract, text and HTML.

Example::

    >>> from vigil.drill import load_drill, load_traffic, run_drill
    >>> from vigil.plan.stack import load_stack_plan
    >>> traffic = load_traffic("alarms/drill/traffic.yaml")
    >>> drill = load_drill("alarms/drill/faults.yaml", traffic)
    >>> result = run_drill(load_stack_plan(".", "prod").plan, traffic, drill, incidents=1, normal_days=0, seed=1,
    ...                    classes=["api-down"])  # doctest: +SKIP
"""

from __future__ import annotations

from vigil.drill.errors import DrillError, DrillSpecError
from vigil.drill.load import load_drill, load_traffic
from vigil.drill.result import DrillResult, render_text
from vigil.drill.run import run_drill

__all__ = ["DrillError", "DrillResult", "DrillSpecError", "load_drill", "load_traffic", "render_text", "run_drill"]
