"""The backtest scenario library: a normal week and the seed incidents, generated through vigil.emf.

``python -m examples.scenarios.generate OUT`` writes the logs and incident files;
``python -m examples.scenarios.report`` generates them in a temporary directory, backtests each one against the
shipped catalog and prints the backtest guide's markdown table (docs/guides/backtest.md).
"""
