"""Load a project directory: read every spec file, validate it, merge it, apply one stack's overrides.

Nothing stops at the first problem: every file is read and every error of the run is returned, each as
``file:line: field: message``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.model_errors import translate
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


def _validate(model: type[M], doc: YamlDocument, errors: list[SpecError]) -> M | None:
    if doc.errors:
        errors.extend(doc.errors)
    if doc.data is None:
        return None
    if not isinstance(doc.data, dict):
        errors.append(
            SpecError(
                doc.file, 1, "(file)", f"expected a mapping at the top of the file, got {type(doc.data).__name__}"
            )
        )
        return None
    if "version" not in doc.data:
        errors.append(SpecError(doc.file, 1, "version", "missing 'version: vigil/v1' (the spec format version)"))
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(e for e in translate(exc, model, doc) if not (e.field == "version" and "version" not in doc.data))
        return None


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


def _load_namespaces(root: Path, rel: Callable[[Path], str], merge: _Merger, out: dict[str, Any]) -> None:
    for path in _spec_files(root, "metrics"):
        doc = load_yaml(path, rel(path))
        spec = _validate(MetricNamespaceSpec, doc, merge.errors)
        if spec is None:
            merge.sources.broken.add("namespace")
        else:
            merge.add("namespace", out, spec.namespace, spec, doc, (), at=("namespace",))


def _load_alarms(
    root: Path,
    rel: Callable[[Path], str],
    merge: _Merger,
    alarms: dict[str, Any],
    slos: dict[str, Any],
    routing: dict[Any, Any],
) -> None:
    for path in _spec_files(root, "alarms"):
        doc = load_yaml(path, rel(path))
        if path.name == ROUTING_FILE:
            routes = _validate(RoutingFile, doc, merge.errors)
            if routes is None:
                merge.sources.broken.add("route")
            for severity, route in (routes.routing if routes else {}).items():
                merge.add("route", routing, severity.value, route, doc, ("routing", severity.value))
            if routes is not None and routes.delivery_failures is not None:
                merge.add("route", routing, "delivery_failures", routes.delivery_failures, doc, ("delivery_failures",))
            continue
        spec = _validate(AlarmFile, doc, merge.errors)
        if spec is None:
            merge.sources.broken.add("alarm")
            continue
        for name, alarm in spec.alarms.items():
            merge.add("alarm", alarms, name, alarm, doc, ("alarms", name))
        for name, slo in spec.slos.items():
            merge.add("slo", slos, name, slo, doc, ("slos", name))


def _load_dashboards(root: Path, rel: Callable[[Path], str], merge: _Merger, out: dict[str, Any]) -> None:
    for path in _spec_files(root, "dashboards"):
        doc = load_yaml(path, rel(path))
        spec = _validate(DashboardFile, doc, merge.errors)
        for name, dashboard in (spec.dashboards if spec else {}).items():
            merge.add("dashboard", out, name, dashboard, doc, ("dashboards", name))


def _load_stack(
    root: Path, rel: Callable[[Path], str], stack: str, sources: Sources, errors: list[SpecError]
) -> StackSpec | None:
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
    return read_stack(load_yaml(path, rel(path)), stack, sources, errors)


def load_project(root: str | Path, stack: str | None = None, *, validate: bool = True) -> LoadResult:
    """Load and validate every spec under ``root`` for one stack (or none).

    Returns a :class:`LoadResult`; it never raises for problems in the files. With ``validate=False``
    only the per-file models are checked (no cross-references, limits or policy).

    >>> result = load_project(".", stack="prod")  # doctest: +SKIP
    >>> [str(e) for e in result.errors]  # doctest: +SKIP
    []
    """
    root = Path(root)
    errors: list[SpecError] = []
    sources = Sources()
    merge = _Merger(sources, errors)

    def rel(path: Path) -> str:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)

    namespaces: dict[str, Any] = {}
    alarms: dict[str, Any] = {}
    slos: dict[str, Any] = {}
    routing: dict[Any, Any] = {}
    dashboards: dict[str, Any] = {}
    _load_namespaces(root, rel, merge, namespaces)
    _load_alarms(root, rel, merge, alarms, slos, routing)
    _load_dashboards(root, rel, merge, dashboards)
    stack_spec = _load_stack(root, rel, stack, sources, errors) if stack else None
    delivery = routing.pop("delivery_failures", None)
    project = Project(
        namespaces=namespaces,
        alarms=alarms,
        slos=slos,
        routing=routing,
        delivery_failures=delivery,
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
