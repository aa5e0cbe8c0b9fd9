"""vigil.emf.process: the app's own CPU, memory, threads and GC runs, under the units the catalogs declare."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import pytest
import yaml

from vigil.emf import InMemorySink, MetricsLogger
from vigil.emf.process import ProcessMetrics, resident_bytes

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("process.cpu.utilization", "process.memory.rss", "process.threads", "process.gc.collections")


def test_a_busy_interval_shows_cpu_threads_and_gc_runs() -> None:
    sink = InMemorySink()
    process = ProcessMetrics(MetricsLogger("Vigil/Worker", {"Service": "worker", "Environment": "dev"}, sink))
    process.sample()
    first = sink.events()[-1]
    assert "process.cpu.utilization" not in first  # the first sample only starts the clock
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        deadline = time.process_time() + 0.2
        while time.process_time() < deadline:  # CPU work, not sleep: utilization must be well above 0
            sum(range(1000))
        gc.collect()
        process.sample()
    finally:
        stop.set()
        helper.join()
    line = sink.events()[-1]
    assert 20 <= line["process.cpu.utilization"] <= 100 * 64
    assert line["process.threads"] >= 2
    assert line["process.gc.collections"] >= 1
    assert line["process.memory.rss"] == pytest.approx(resident_bytes(), rel=0.5)
    units = {m["Name"]: m["Unit"] for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    catalog = yaml.safe_load((ROOT / "metrics" / "worker.yaml").read_text())["metrics"]
    assert units == {name: catalog[name]["unit"] for name in NAMES}


@pytest.mark.parametrize("service", ["api", "worker"])
def test_both_app_catalogs_declare_the_process_metrics(service: str) -> None:
    catalog = yaml.safe_load((ROOT / "metrics" / f"{service}.yaml").read_text())["metrics"]
    assert set(NAMES) <= set(catalog)
