"""The smoke flow shared by ``vigil smoke`` and the smoke-flow canary (:mod:`vigil.smoke.flow`)."""

from __future__ import annotations

from vigil.smoke.flow import STEPS, StepResult, run_flow

__all__ = ["STEPS", "StepResult", "run_flow"]
