"""Load a project directory: read every spec file, validate it, merge it, apply one stack's overrides.

Nothing stops at the first problem: every file is read and every error of the run is returned, each as
``file:line: field: message``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.file_model import FileModel, validate_file
from vigil.spec.models import (
    AlarmFile,
    DashboardFile,
    MetricNamespaceSpec,
    Project,
    RoutingFile,
    StackSpec,
)
from vigil.spec.overrides import apply_overrides
from vigil.spec.sources import Sources
from vigil.spec.stack_file import read_stack
from vigil.spec.yaml_source import YamlDocument, field_name, load_yaml

M = TypeVar("M", bound=BaseModel)

ROUTING_FILE = "routing.yaml"
SPEC_DIRS = ("metrics", "alarms", "dashboards")


@dataclass
class LoadResult:
    """What :func:`load_project` found: the project (as far as it could be built) and every problem.

    >>> result = load_project("tests/spec/good/minimal", stack="dev")  # doctest: +SKIP
    >>> result.ok, sorted(result.project.alarms)  # doctest: +SKIP
    (True, ['api-errors'])
    """

    project: Project
    errors: list[SpecError] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)
    root: Path = field(default_factory=Path)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not any(e.severity == "error" for e in self.errors)


def available_stacks(root: str | Path) -> list[str]:
    """Stack names that have a ``stacks/Pulumi.<name>.yaml`` file, sorted."""
    stacks_dir = Path(root) / "stacks"
    names = [p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml")]
    return sorted(names)


def _spec_files(root: Path, sub: str) -> Iterator[Path]:
    folder = root / sub
    if folder.is_dir():
        yield from sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _validate(model: type[M], doc: YamlDocument, errors: list[SpecError]) -> FileModel[M]:
    if doc.errors:
        errors.extend(doc.errors)
    if doc.data is None:
        return FileModel(spec=None)
    if not isinstance(doc.data, dict):
        got = "a list" if isinstance(doc.data, list) else f"the value {str(doc.data)[:40]!r}"
        errors.append(SpecError(doc.file, 1, "(file)", f"expected a mapping of keys at the top of the file, got {got}"))
        return FileModel(spec=None)
    if "version" not in doc.data:
        errors.append(SpecError(doc.file, 1, "version", "missing 'version: vigil/v1' (the spec format version)"))
    result = validate_file(model, doc.data, doc)
    errors.extend(e for e in result.errors if not (e.field == "version" and "version" not in doc.data))
    return result


class _Merger:
    """Collects named specs from many files; a name declared twice is an error at both places."""

    def __init__(self, sources: Sources, errors: list[SpecError]) -> None:
        self.sources = sources
        self.errors = errors
        self.first: dict[str, tuple[str, str, int]] = {}  # name -> kind, file, line of its first declaration

    def add(
        self,
        kind: str,
        bucket: dict[str, Any],
        name: str,
        value: Any,
        doc: YamlDocument,
        path: tuple[Any, ...],
        at: tuple[Any, ...] | None = None,
    ) -> None:
        """Register ``name`` declared at ``path`` (a duplicate is reported at ``at``, default ``path``)."""
        group = "alarm" if kind in ("alarm", "slo") else kind  # alarms and SLOs share one set of names
        where = path if at is None else at
        first = self.first.get(f"{group}/{name}")
        if first is not None:
            self.errors.append(
                SpecError(
                    doc.file,
                    doc.line_of(where),
                    field_name(where),
                    f"duplicate {kind} name '{name}': already declared as {first[0]} at {first[1]}:{first[2]}; "
                    "names must be unique across all files",
                )
            )
            return
        self.first[f"{group}/{name}"] = (kind, doc.file, doc.line_of(where))
        self.sources.add(kind, name, doc, path)
        bucket[name] = value


class ParseCache:
    """Parsed and validated files, shared by the loads of several stacks: one parse per file per run.

    A file is read again only when its size or modification time changed. ``loader`` picks the PyYAML
    loader class (default: libyaml's ``CSafeLoader`` when available; benchmarks pass ``yaml.SafeLoader``).

    >>> cache = ParseCache()
    >>> results = [load_project(".", stack=s, cache=cache) for s in ("dev", "prod")]  # doctest: +SKIP
    """

    def __init__(self, loader: type[Any] | None = None) -> None:
        self.loader = loader
        self._docs: dict[tuple[str, str], tuple[tuple[int, int], YamlDocument]] = {}
        self._models: dict[tuple[str, str, type[BaseModel]], tuple[FileModel[Any], list[SpecError]]] = {}

    def document(self, path: Path, display: str) -> YamlDocument:
        """The parsed file (cached while it is unchanged)."""
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            return load_yaml(path, display, self.loader)
        key = (str(path), display)
        hit = self._docs.get(key)
        if hit is None or hit[0] != stamp:
            hit = (stamp, load_yaml(path, display, self.loader))
            self._docs[key] = hit
            self._models = {k: v for k, v in self._models.items() if k[:2] != key}
        return hit[1]

    def model(self, model: type[M], path: Path, display: str, errors: list[SpecError]) -> FileModel[M]:
        """The file validated against ``model``; its errors are appended to ``errors``."""
        doc = self.document(path, display)
        key = (str(path), display, model)
        hit = self._models.get(key)
        if hit is None:
            found: list[SpecError] = []
            hit = (_validate(model, doc, found), found)
            self._models[key] = hit
        errors.extend(hit[1])
        result: FileModel[M] = hit[0]
        return result


@dataclass
class _Run:
    root: Path
    merge: _Merger
    cache: ParseCache

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def load(self, model: type[M], path: Path) -> tuple[YamlDocument, FileModel[M]]:
        display = self.rel(path)
        return self.cache.document(path, display), self.cache.model(model, path, display, self.merge.errors)


def _load_namespaces(run: _Run, out: dict[str, Any]) -> None:
    sources = run.merge.sources
    for path in _spec_files(run.root, "metrics"):
        doc, result = run.load(MetricNamespaceSpec, path)
        if result.spec is None:
            # the namespace itself may be what is wrong (``Vigil API``), so no reference to any namespace
            # is reported as unknown while a metrics file fails to load: one error, not one per alarm
            sources.broken.add("namespace")
            continue
        for _, metric in result.dropped:
            sources.broken_names.add(("metric", f"{result.spec.namespace}/{metric}"))
        run.merge.add("namespace", out, result.spec.namespace, result.spec, doc, (), at=("namespace",))


def _load_routing(run: _Run, path: Path, routing: dict[Any, Any]) -> None:
    doc, result = run.load(RoutingFile, path)
    if result.spec is None:
        run.merge.sources.broken.add("route")
        return
    run.merge.sources.broken_names.update(("route", name) for _, name in result.dropped)
    for severity, route in result.spec.routing.items():
        run.merge.add("route", routing, severity.value, route, doc, ("routing", severity.value))
    if result.spec.delivery_failures is not None:
        failures = result.spec.delivery_failures
        run.merge.add("route", routing, "delivery_failures", failures, doc, ("delivery_failures",))
    if result.spec.pagerduty is not None:
        run.merge.add("route", routing, "pagerduty", result.spec.pagerduty, doc, ("pagerduty",))


def _load_alarms(run: _Run, alarms: dict[str, Any], slos: dict[str, Any], routing: dict[Any, Any]) -> None:
    sources = run.merge.sources
    for path in _spec_files(run.root, "alarms"):
        if path.name == ROUTING_FILE:
            _load_routing(run, path, routing)
            continue
        doc, result = run.load(AlarmFile, path)
        if result.spec is None:
            sources.broken.add("alarm")
            continue
        sources.broken_names.update(("alarm", name) for _, name in result.dropped)
        for name, alarm in result.spec.alarms.items():
            run.merge.add("alarm", alarms, name, alarm, doc, ("alarms", name))
        for name, slo in result.spec.slos.items():
            run.merge.add("slo", slos, name, slo, doc, ("slos", name))


def _load_dashboards(run: _Run, out: dict[str, Any]) -> None:
    for path in _spec_files(run.root, "dashboards"):
        doc, result = run.load(DashboardFile, path)
        if result.spec is None:
            run.merge.sources.broken.add("dashboard")  # its names are unknown: no "unknown dashboard" elsewhere
        run.merge.sources.broken_names.update(("dashboard", name) for _, name in result.dropped)
        for name, dashboard in (result.spec.dashboards if result.spec else {}).items():
            run.merge.add("dashboard", out, name, dashboard, doc, ("dashboards", name))


def _load_stack(run: _Run, stack: str) -> StackSpec | None:
    root, rel, sources, errors = run.root, run.rel, run.merge.sources, run.merge.errors
    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = available_stacks(root)
        errors.append(
            SpecError(
                rel(path),
                1,
                "(file)",
                f"no stack file for stack '{stack}'{did_you_mean(stack, known)}; known stacks: {', '.join(known) or 'none'}",
            )
        )
        return None
    return read_stack(run.cache.document(path, rel(path)), stack, sources, errors)


def load_project(
    root: str | Path, stack: str | None = None, *, validate: bool = True, cache: ParseCache | None = None
) -> LoadResult:
    """Load and validate every spec under ``root`` for one stack (or none).

    Returns a :class:`LoadResult`; it never raises for problems in the files. With ``validate=False``
    only the per-file models are checked (no cross-references, limits or policy). Pass one
    :class:`ParseCache` to the loads of several stacks so each file is parsed once.

    >>> result = load_project(".", stack="prod")  # doctest: +SKIP
    >>> [str(e) for e in result.errors]  # doctest: +SKIP
    []
    """
    with _gc_paused():
        return _load(Path(root), stack, validate, cache)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading: the load allocates a million small acyclic objects,
    and the collector's generation-2 passes over them were half of ``vigil check``'s time on big projects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(root: Path, stack: str | None, validate: bool, cache: ParseCache | None) -> LoadResult:
    errors: list[SpecError] = []
    sources = Sources()
    run = _Run(root=root, merge=_Merger(sources, errors), cache=cache or ParseCache())

    namespaces: dict[str, Any] = {}
    alarms: dict[str, Any] = {}
    slos: dict[str, Any] = {}
    routing: dict[Any, Any] = {}
    dashboards: dict[str, Any] = {}
    _load_namespaces(run, namespaces)
    _load_alarms(run, alarms, slos, routing)
    _load_dashboards(run, dashboards)
    stack_spec = _load_stack(run, stack) if stack else None
    delivery = routing.pop("delivery_failures", None)
    pagerduty = routing.pop("pagerduty", None)
    project = Project(
        namespaces=namespaces,
        alarms=alarms,
        slos=slos,
        routing=routing,
        delivery_failures=delivery,
        pagerduty=pagerduty,
        dashboards=dashboards,
        stack=stack_spec,
    )
    if stack_spec is not None:
        project = apply_overrides(project, sources, errors)
    result = LoadResult(project=project, errors=errors, sources=sources, root=root)
    if validate:
        from vigil.spec.validate import validate_project

        errors.extend(validate_project(project, sources, root))
    result.errors = sorted(set(errors), key=lambda e: (e.file, e.line, e.field, e.message))
    return result
