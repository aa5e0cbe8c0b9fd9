"""Pieces of ``make demo`` (examples/demo.py): simulated clock, traffic scenario, alarms, report."""
