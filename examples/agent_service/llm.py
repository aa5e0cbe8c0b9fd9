"""A simulated LLM provider: latency, tokens, cost and errors, shaped by the active incidents."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from examples.agent_service.incidents import ERROR_BURST, LLM_AUTH, SLOW_LLM, TOKEN_SPIKE, Incidents

#: USD per 1,000 tokens (input, output), made up but in the right range.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (0.005, 0.015),
    "gpt-4o-mini": (0.00015, 0.0006),
    "claude-3-5-haiku": (0.0008, 0.004),
}
MODEL_BY_MODE = {"mechanic": "gpt-4o-mini", "genius": "gpt-4o"}
PROVIDER = "openai"
#: Where a rate-limited call goes instead (seed 000 "fallback usage"), and the model it uses there.
FALLBACK_PROVIDER, FALLBACK_MODEL = "anthropic", "claude-3-5-haiku"
#: Share of calls answered from the LLM response cache (an identical prompt seen recently).
CACHE_HIT_RATE = 0.15
#: Error kinds: ``rate_limited`` (429), ``unavailable`` (503) and ``auth`` (401, credentials refused).
ERROR_KINDS = ("rate_limited", "unavailable", "auth")


class LLMError(RuntimeError):
    """The simulated provider failed; ``kind`` is one of :data:`ERROR_KINDS`."""

    def __init__(self, message: str, kind: str = "unavailable") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Completion:
    """What one simulated call cost."""

    model: str
    latency_ms: float
    tokens_in: int
    tokens_out: int
    cost_usd: float
    cached: bool = False


class SimulatedLLM:
    """Generates completions; real sleeps are the simulated latency times ``time_scale``.

    >>> llm = SimulatedLLM(Incidents(), random.Random(1), time_scale=0.0)
    >>> llm.complete("mechanic").model
    'gpt-4o-mini'
    """

    def __init__(self, incidents: Incidents, rng: random.Random, *, time_scale: float = 0.01) -> None:
        self.incidents = incidents
        self.rng = rng
        self.time_scale = time_scale

    def complete(self, mode: str, *, model: str | None = None) -> Completion:
        """One call; raises ``LLMError`` at the current error rate (every call while ``llm_auth`` is active)."""
        model = model or MODEL_BY_MODE.get(mode, "gpt-4o-mini")
        if self.incidents.active(LLM_AUTH) and model != FALLBACK_MODEL:
            raise LLMError(f"{PROVIDER} {model}: 401 invalid API key", kind="auth")
        if self.rng.random() < CACHE_HIT_RATE:  # an identical prompt answered from the response cache
            return Completion(model, round(self.rng.uniform(2.0, 8.0), 1), 0, 0, 0.0, cached=True)
        latency_ms = self.rng.lognormvariate(7.3, 0.4)  # about 1.5 s median
        if self.incidents.active(SLOW_LLM):
            latency_ms *= 20
        time.sleep(latency_ms / 1000.0 * self.time_scale)
        error_rate = 0.5 if self.incidents.active(ERROR_BURST) else 0.02
        if self.rng.random() < error_rate:
            if self.rng.random() < 0.5:
                raise LLMError(f"{PROVIDER} {model}: 429 rate limited", kind="rate_limited")
            raise LLMError(f"{PROVIDER} {model}: 503 upstream overloaded")
        spike = 10 if self.incidents.active(TOKEN_SPIKE) else 1
        tokens_in = self.rng.randint(800, 3000) * spike
        tokens_out = self.rng.randint(100, 800) * spike
        price_in, price_out = PRICES[model]
        cost = tokens_in / 1000 * price_in + tokens_out / 1000 * price_out
        return Completion(model, round(latency_ms, 1), tokens_in, tokens_out, round(cost, 6))

    def ping(self) -> bool:
        """Reachability probe for health checks: slow (seconds) while the slow_llm incident is active."""
        time.sleep(3.0 if self.incidents.active(SLOW_LLM) else 0.001)
        return True
