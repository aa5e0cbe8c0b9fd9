"""Errors of the plan step."""

from __future__ import annotations


class PlanError(ValueError):
    """The project cannot be turned into resources (a reference or a CloudWatch limit that validation missed).

    The message names the spec item (alarm, dashboard, namespace) and what is wrong with it.
    """
