"""Restart an ECS service from a CloudWatch alarm (the ``restart`` alarm action).

CloudWatch invokes Vigil's restart function, :mod:`vigil.restart.handler`, with the alarm's state change. When
the alarm went into ALARM, the function forces a new deployment of the ECS service mapped to that alarm: ECS
replaces every task with a fresh one from the same task definition. It skips a service that is already rolling
out a deployment, so a deploy in progress is never restarted over.

The handler is one file with no dependency but boto3 (present in every Lambda Python runtime), so the component
ships it as the function's code as is.
"""

from __future__ import annotations

from vigil.restart.handler import RestartDecision, decide, restart

__all__ = ["RestartDecision", "decide", "restart"]
