"""Generate the scenario library: EMF and JSON log lines through the real ``vigil.emf`` code path.

Every metric line is written by a :class:`vigil.emf.MetricsLogger` bound to the catalog
(``MetricsLogger.from_catalog``, so an undeclared name, unit or dimension set is refused exactly as in the app),
with explicit timestamps, into a gzipped file through :class:`vigil.emf.StdoutSink`; every application log line
is written by :class:`vigil.emf.log_formatter.JsonFormatter`. Deterministic: one seeded generator per scenario.

Usage::

    python -m examples.scenarios.generate OUT_DIR [--only NAME ...] [--seed 7] [--environment prod]

writes ``OUT_DIR/<name>.log.gz`` and ``OUT_DIR/<name>.incidents.yaml`` for each scenario of
:mod:`examples.scenarios.library`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import math
import random
import sys
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from examples.scenarios.library import SCENARIOS, Scenario, conditions
from examples.scenarios.model import GROUPS, MODELS, MODES, TOOLS, Conditions, binomial, day_factor, poisson
from vigil.emf import MetricsLogger, StdoutSink
from vigil.emf.log_formatter import JsonFormatter
from vigil.spec.models.metrics import MetricNamespaceSpec

S = ("Service", "Environment")
ROOT = Path(__file__).resolve().parents[2]


def _samples(rng: random.Random, count: int, median: float, sigma: float) -> list[float]:
    return [round(rng.lognormvariate(math.log(median), sigma), 1) for _ in range(min(count, 100))]


class Writer:
    """The loggers and formatters of the three services, writing into one text stream."""

    def __init__(self, stream: TextIO, namespaces: dict[str, MetricNamespaceSpec], environment: str) -> None:
        self.stream = stream
        self.environment = environment
        sink = StdoutSink(stream)
        self.loggers = {
            service: MetricsLogger.from_catalog(
                namespaces[ns], dimensions={"Service": service, "Environment": environment}, sink=sink
            )
            for service, ns in (("api", "Vigil/API"), ("worker", "Vigil/Worker"), ("dashboard", "Vigil/Dashboard"))
        }
        self.units = {
            service: {name: m.unit for name, m in namespaces[ns].metrics.items()}
            for service, ns in (("api", "Vigil/API"), ("worker", "Vigil/Worker"), ("dashboard", "Vigil/Dashboard"))
        }
        self.formatters = {
            service: JsonFormatter(service, environment=environment, use_otel=False) for service in self.loggers
        }

    def drops(self) -> dict[str, int]:
        """Data the catalog-bound loggers refused (undeclared metric, unit or dimension set), by reason."""
        out: dict[str, int] = {}
        for logger in self.loggers.values():
            stats = logger.stats
            for reason, count in [*stats.values_dropped.items(), *stats.other_dropped.items()]:
                out[reason] = out.get(reason, 0) + count
        return out

    def metrics(
        self,
        service: str,
        at: float,
        values: dict[str, Any],
        dims: dict[str, str] | None = None,
        sets: Sequence[Sequence[str]] | None = None,
        props: dict[str, str] | None = None,
    ) -> None:
        """One EMF event of ``service`` at epoch second ``at``."""
        event = self.loggers[service].event().timestamp(int(at * 1000))
        units = self.units[service]
        for name, value in values.items():
            if value is not None and value != []:
                event.metric(name, value, units[name])
        if dims:
            event.dimensions(dims)
        if sets:
            event.dimension_sets(*[list(s) for s in sets])
        for key, prop in (props or {}).items():
            event.property(key, prop)
        event.emit()

    def log(self, service: str, at: float, level: int, message: str, **extra: Any) -> None:
        """One JSON application log line, as ``logging`` with ``JsonFormatter`` writes it."""
        record = logging.LogRecord(f"{service}.app", level, __file__, 0, message, None, None)
        record.created = at
        record.msecs = (at % 1) * 1000
        record.__dict__.update(extra)
        self.stream.write(self.formatters[service].format(record) + "\n")


def _latencies(rng: random.Random, count: int, c: Conditions) -> list[float]:
    """Request latencies; a share ``tail_share`` of them ``tail_factor`` times slower (a slow tail)."""
    samples = _samples(rng, count, c.latency_ms, 0.5)
    return [round(v * c.tail_factor, 1) if rng.random() < c.tail_share else v for v in samples]


def _groups(w: Writer, rng: random.Random, t: int, c: Conditions, total: int) -> None:
    """Requests per endpoint group and status class (every group, so per-group rates exist)."""
    for index, (group, share) in enumerate(GROUPS.items()):
        count = binomial(rng, total, share) if share < 1 else total
        rate_5xx = c.failing_group_5xx if group == c.failing_group else c.rate_5xx
        rate_4xx = c.questionnaire_4xx if group == "questionnaire" else c.rate_4xx
        n5 = binomial(rng, count, rate_5xx)
        n4 = binomial(rng, count - n5, rate_4xx)
        for second, (status, n) in enumerate((("2xx", count - n4 - n5), ("4xx", n4), ("5xx", n5))):
            if n:  # one metric per event: vigil.emf emits it under every declared set its keys cover
                dims = {"EndpointGroup": group, "StatusClass": status}
                w.metrics("api", t + 1 + index * 3 + second, {"http.requests": n}, dims)
                if status != "2xx":
                    w.metrics("api", t + 1 + index * 3 + second, {"http.errors": n}, dims)


def _api(w: Writer, rng: random.Random, t: int, c: Conditions, df: float) -> None:
    total = poisson(rng, c.requests_per_min * df * c.traffic_factor)
    _groups(w, rng, t, c, total)
    if total:
        w.metrics(
            "api",
            t + 20,
            {
                "http.request.duration": _latencies(rng, total, c),
                "db.query.duration": _samples(rng, 60, c.db_ms, 0.6),
            },
        )
    w.metrics(
        "api",
        t + 21,
        {
            "db.connections": round(20 * c.pool_utilization / 100),
            "db.pool.utilization": min(100.0, round(c.pool_utilization * (0.8 + 0.4 * df) + rng.gauss(0, 2), 1)),
        },
    )
    attempts = poisson(rng, c.patch_attempts * df)
    w.metrics(
        "api",
        t + 30,
        {
            "patch.apply.duration": _samples(rng, attempts, 300, 0.4),
            "patch.failed": binomial(rng, attempts, c.patch_fail),
            "session.created": poisson(rng, 2 * df),
            "plan.approved": poisson(rng, 1 * df),
            "plan.rejected": poisson(rng, 0.3 * df),
            "users.active": round(150 * df + rng.gauss(0, 5)),
        },
    )
    _logs(w, rng, "api", t, c, df)
    for _ in range(poisson(rng, c.logins * df)):
        w.log("api", t + 40 + rng.random() * 19, logging.INFO, "login", event="auth.login", outcome="success")
    for _ in range(poisson(rng, c.login_failures * df)):
        w.log("api", t + 40 + rng.random() * 19, logging.WARNING, "login failed", event="auth.login", outcome="failure")


def _logs(w: Writer, rng: random.Random, service: str, t: int, c: Conditions, df: float) -> None:
    mean = c.error_logs * df if c.error_logs < 1 else c.error_logs
    for _ in range(poisson(rng, mean)):
        w.log(service, t + 50 + rng.random() * 9, logging.ERROR, "unhandled error in request handler")


def _container_insights(w: Writer, t: int, running: int, desired: int) -> None:
    """The worker service's task counts as Container Insights publishes them (an EMF line of its own namespace)."""
    metrics = [{"Name": "RunningTaskCount", "Unit": "Count"}, {"Name": "DesiredTaskCount", "Unit": "Count"}]
    line = {
        "_aws": {
            "Timestamp": (t + 30) * 1000,
            "CloudWatchMetrics": [
                {
                    "Namespace": "ECS/ContainerInsights",
                    "Dimensions": [["ClusterName", "ServiceName"]],
                    "Metrics": metrics,
                }
            ],
        },
        "Type": "Service",
        "ClusterName": f"vigil-{w.environment}",
        "ServiceName": "worker",
        "RunningTaskCount": running,
        "DesiredTaskCount": desired,
    }
    w.stream.write(json.dumps(line, separators=(",", ":")) + "\n")


def _worker(w: Writer, rng: random.Random, t: int, c: Conditions, df: float) -> None:
    _container_insights(w, t, c.workers_alive if c.tasks_running is None else c.tasks_running, c.workers)
    if c.workers_alive <= 0:
        return
    capacity = c.workers_alive / c.workers
    for worker in range(c.workers_alive):
        w.metrics(
            "worker",
            t + 2 + worker,
            {"worker.heartbeat": 1, "worker.jobs_processed": poisson(rng, 5 * df)},
            props={"WorkerId": f"worker-{worker}"},
        )
    _jobs(w, rng, t, c, df, capacity)
    _llm(w, rng, t, c, df, capacity)
    for tool in TOOLS:
        calls = poisson(rng, 150 * df * capacity)
        w.metrics(
            "worker",
            t + 16,
            {"tool.calls": calls, "tool.duration": _samples(rng, calls, 800, 0.6)},
            {"Tool": tool},
            [S, (*S, "Tool")],
        )
    _logs(w, rng, "worker", t, c, df)


def _jobs(w: Writer, rng: random.Random, t: int, c: Conditions, df: float, capacity: float) -> None:
    """Jobs per mode, then the queue and token lines of that mode."""
    for mode, (job_type, share) in MODES.items():
        claimed = 0 if c.stalled else poisson(rng, c.jobs_per_min * df * share * capacity)
        failed = binomial(rng, claimed, c.job_fail)
        w.metrics(
            "worker",
            t + 10,
            {
                "job.claimed": claimed,
                "job.failed": failed,
                "job.completed": claimed - failed,
                "job.duration": _samples(rng, claimed - failed, 15000, 0.5),
            },
            {"Mode": mode, "JobType": job_type},
            [S, (*S, "Mode"), (*S, "Mode", "JobType")],
        )
        calls = c.llm_calls * df * share * capacity
        w.metrics(
            "worker",
            t + 12,
            {
                "queue.depth": max(0, round(c.queue_depth * share * (0.5 + df) + rng.gauss(0, 1))),
                "queue.oldest_age": max(0, round(30 * share + rng.gauss(0, 3))),
                "tokens.used": round(calls * c.tokens_per_call * c.token_multiplier * rng.uniform(0.9, 1.1)),
                "escalation.total": poisson(rng, 0.05 * df * share),
                "budget.exceeded": poisson(rng, 0.001 * share),
            },
            {"Mode": mode},
            [S, (*S, "Mode")],
        )


def _llm(w: Writer, rng: random.Random, t: int, c: Conditions, df: float, capacity: float) -> None:
    """LLM calls per model; auth failures per provider when there are any."""
    for model, (provider, share, price) in MODELS.items():
        calls = poisson(rng, c.llm_calls * df * share * capacity)
        auth = binomial(rng, calls, c.auth_failures) if provider == "openai" else 0
        tokens_in = round(calls * 1200 * c.token_multiplier * rng.uniform(0.9, 1.1))
        tokens_out = round(calls * 300 * c.token_multiplier * rng.uniform(0.9, 1.1))
        w.metrics(
            "worker",
            t + 14,
            {
                "llm.requests": calls,
                "llm.errors": binomial(rng, calls, 0.01) + auth,
                "llm.latency": _samples(rng, calls - auth, 2500, 0.4),
                "llm.tokens.input": tokens_in,
                "llm.tokens.output": tokens_out,
                "llm.cost_usd": round((tokens_in + tokens_out) * price * c.cost_multiplier, 6),
            },
            {"Provider": provider, "Model": model},
            [S, (*S, "Provider"), (*S, "Model")],
        )
        if auth:
            w.metrics("worker", t + 15, {"llm.auth_failures": auth}, {"Provider": provider}, [S, (*S, "Provider")])


def _dashboard(w: Writer, rng: random.Random, t: int, c: Conditions, df: float) -> None:
    if not c.dashboard_up:
        return
    opened = poisson(rng, c.ws_opened * df if c.ws_opened < 100 else c.ws_opened)
    w.metrics(
        "dashboard",
        t + 25,
        {
            "ws.connections.opened": opened,
            "ws.connections.active": max(0, round((120 * df + rng.gauss(0, 4)) * c.ws_factor)),
            "ws.messages": poisson(rng, 100 * df),
        },
    )


def write_scenario(
    scenario: Scenario,
    stream: TextIO,
    namespaces: dict[str, MetricNamespaceSpec],
    *,
    seed: int = 7,
    environment: str = "prod",
) -> dict[str, int]:
    """Write every line of ``scenario`` to ``stream``; returns what the catalog-bound loggers refused (nothing,
    when every metric, unit and dimension set the scenario emits is declared in the catalog)."""
    rng = random.Random(seed * 1_000_003 + zlib.crc32(scenario.name.encode()))
    writer = Writer(stream, namespaces, environment)
    base = Conditions()
    for t in range(scenario.start, scenario.end, 60):
        c = conditions(scenario, t, base)
        df = day_factor(t)
        if c.api_up:
            _api(writer, rng, t, c, df)
        _worker(writer, rng, t, c, df)
        _dashboard(writer, rng, t, c, df)
    return writer.drops()


def incidents_yaml(scenario: Scenario) -> str:
    """The incidents file of ``scenario`` (``[]`` for the normal week)."""
    from vigil.backtest.report import iso

    window = scenario.incident
    if window is None:
        return "# A normal week: no incident.\n[]\n"
    return (
        f"# {scenario.title} (expected severity {scenario.expected_severity})\n"
        f"- name: {scenario.name}\n  start: {iso(window[0])}\n  end: {iso(window[1])}\n"
    )


def load_namespaces(root: Path = ROOT) -> dict[str, MetricNamespaceSpec]:
    """The catalog's namespaces (``metrics/*.yaml`` of the project at ``root``)."""
    from vigil.spec import load_project

    return dict(load_project(root).project.namespaces)


def generate(out: Path, names: Iterable[str] | None = None, *, seed: int = 7, environment: str = "prod") -> list[Path]:
    """Write the log and incidents files of the selected scenarios (all by default) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(names) if names else None
    namespaces = load_namespaces()
    written = []
    for scenario in SCENARIOS:
        if wanted is not None and scenario.name not in wanted:
            continue
        path = out / f"{scenario.name}.log.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as stream:
            drops = write_scenario(scenario, stream, namespaces, seed=seed, environment=environment)
        if drops:
            raise RuntimeError(f"{scenario.name}: the catalog refused emitted data {drops}; fix the generator")
        (out / f"{scenario.name}.incidents.yaml").write_text(incidents_yaml(scenario), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m examples.scenarios.generate", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory for <name>.log.gz and <name>.incidents.yaml")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="scenario names (default: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--environment", default="prod", help="Environment dimension value (default: prod)")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.only, seed=args.seed, environment=args.environment):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
