"""``run_preview``: load a project for a stack, run the real Pulumi program under the mock engine, price it."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.cost import estimate_stack
from vigil.plan.stack import LoadedStack, ProjectErrors, load_stack_plan
from vigil.preview.config import preview_config
from vigil.preview.engine import RecordedResource, redact, run_program
from vigil.spec import SpecError

#: Inputs holding a resource's physical name, by type: what the cost model's line items are keyed by.
NAME_INPUTS = ("name", "alarmName", "dashboardName")
ROOT_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class PreviewResource:
    """One resource the stack would create. ``parent`` is ``type::name`` of the parent ('' at the top)."""

    type: str
    name: str
    parent: str
    inputs: dict[str, Any]
    monthly_usd: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{type, name, parent, inputs}`` and ``monthly_usd`` when priced."""
        data: dict[str, Any] = {"type": self.type, "name": self.name, "parent": self.parent, "inputs": self.inputs}
        if self.monthly_usd is not None:
            data["monthly_usd"] = round(self.monthly_usd, 4)
        return data


@dataclass
class PreviewResult:
    """What ``vigil preview`` prints."""

    stack: str
    resources: list[PreviewResource] = field(default_factory=list)
    errors: list[SpecError] = field(default_factory=list)
    monthly_usd: float | None = None
    unattributed_usd: dict[str, float] = field(default_factory=dict)  # cost not tied to one resource
    placeholders: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the spec had no errors and the program ran."""
        return not any(e.severity == "error" for e in self.errors)

    @property
    def counts(self) -> dict[str, int]:
        """Number of resources by type, sorted by type."""
        return dict(sorted(Counter(r.type for r in self.resources).items()))

    def to_dict(self) -> dict[str, Any]:
        """``{stack, resources, counts, monthly_usd}``; secrets appear as ``"[secret]"``."""
        return {
            "stack": self.stack,
            "resources": [r.to_dict() for r in self.resources],
            "counts": self.counts,
            "monthly_usd": None if self.monthly_usd is None else round(self.monthly_usd, 2),
        }


def default_program() -> Path:
    """The repository's ``stacks/__main__.py`` (used when the project directory has none)."""
    return Path(__file__).resolve().parents[2] / "stacks" / "__main__.py"


@contextmanager
def _environment(project_dir: Path, program: Path) -> Iterator[None]:
    """Point the program at the project and make its ``components`` package importable, then restore."""
    old_env, old_path = os.environ.get("VIGIL_PROJECT_DIR"), list(sys.path)
    os.environ["VIGIL_PROJECT_DIR"] = str(project_dir.resolve())
    sys.path.insert(0, str(program.resolve().parent.parent))
    try:
        yield
    finally:
        sys.path[:] = old_path
        if old_env is None:
            os.environ.pop("VIGIL_PROJECT_DIR", None)
        else:
            os.environ["VIGIL_PROJECT_DIR"] = old_env


def _parent(urn: str) -> str:
    if not urn or urn.split("::")[-2].endswith(ROOT_TYPE):
        return ""
    chain, name = urn.split("::")[-2:]
    return f"{chain.split('$')[-1]}::{name}"


def _physical_name(r: RecordedResource) -> str | None:
    if not r.custom:
        return None
    return next((str(r.inputs[k]) for k in NAME_INPUTS if isinstance(r.inputs.get(k), str)), None)


def _price(loaded: LoadedStack, result: PreviewResult, recorded: list[RecordedResource]) -> dict[int, float]:
    """Monthly USD per recorded resource (by index), from the cost model's estimate of the same plan.

    Cost line items are keyed by physical name (alarm, dashboard, log group); what is not tied to one
    resource (custom metrics) goes to ``result.unattributed_usd`` by kind.
    """
    report = estimate_stack(loaded)
    by_name = report.by_resource()
    prices: dict[int, float] = {}
    attributed: set[str] = set()
    for index, r in enumerate(recorded):
        name = _physical_name(r)
        if name is not None and name in by_name and name not in attributed:
            prices[index] = by_name[name]
            attributed.add(name)
    for item in report.line_items:
        if item.name not in attributed and item.monthly_usd > 0:
            result.unattributed_usd[item.kind] = result.unattributed_usd.get(item.kind, 0.0) + item.monthly_usd
    result.monthly_usd = report.total_usd
    return prices


def _redacted(r: RecordedResource) -> dict[str, Any]:
    value = redact(dict(r.inputs))
    return value if isinstance(value, dict) else {}


def run_preview(project_dir: str | Path, stack: str, program: Path | None = None) -> PreviewResult:
    """Load ``project_dir`` for ``stack``, run the Pulumi program under the mock engine, and price the result.

    Example::

        >>> result = run_preview(".", "prod")  # doctest: +SKIP
        >>> result.counts["aws:sns/topic:Topic"], round(result.monthly_usd or 0) > 0  # doctest: +SKIP
        (4, True)
    """
    root = Path(project_dir)
    try:
        loaded = load_stack_plan(root, stack)
    except ProjectErrors as exc:
        return PreviewResult(stack=stack, errors=exc.errors)
    result = PreviewResult(stack=stack, errors=list(loaded.warnings))
    project = loaded.project
    config = preview_config(root / "stacks" / f"Pulumi.{stack}.yaml", project)
    result.placeholders = config.placeholders
    local = root / "stacks" / "__main__.py"
    program = program or (local if local.is_file() else default_program())
    with _environment(root, program):
        recording = run_program(
            program,
            project="vigil",
            stack=stack,
            config=config.values,
            secret_keys=config.secret_keys,
            region=loaded.plan.context.region,
            account_id=loaded.plan.context.account_id,
            init_globals={"VIGIL_PRELOADED": loaded},
        )
    recorded = [r for r in recording.resources if r.type != ROOT_TYPE]
    prices = _price(loaded, result, recorded)
    result.resources = [
        PreviewResource(r.type, r.name, _parent(r.parent), _redacted(r), prices.get(i)) for i, r in enumerate(recorded)
    ]
    return result
