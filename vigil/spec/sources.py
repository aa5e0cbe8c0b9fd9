"""Where each named spec came from, so project-wide rules can report ``file:line: field``."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.spec.errors import Level, SpecError
from vigil.spec.yaml_source import PathKey, YamlDocument, field_name


@dataclass
class Sources:
    """Index from ``(kind, name)`` to the document and path that declared it.

    Kinds: ``namespace`` (key: the CloudWatch namespace), ``alarm``, ``slo``, ``dashboard``, ``route``
    (key: severity) and ``stack`` (key: the stack name).
    """

    documents: dict[str, YamlDocument] = field(default_factory=dict)
    declared: dict[tuple[str, str], tuple[str, PathKey]] = field(default_factory=dict)
    #: Stack files map model paths (``budget_usd``) to file paths (``config``, ``vigil:budget_usd``).
    stack_paths: dict[str, PathKey] = field(default_factory=dict)
    #: Kinds with a file that failed to load: references to them are not reported as unknown (no cascades).
    broken: set[str] = field(default_factory=set)
    #: ``(kind, name)`` of specs that were declared but are invalid (kinds: namespace, metric as
    #: ``<namespace>/<metric>``, alarm (SLOs too), dashboard, route): references to them are not errors again.
    broken_names: set[tuple[str, str]] = field(default_factory=set)
    #: Fields a stack override changed, by ``(kind, name)``: errors on them point at the override.
    overridden: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    #: The stack file of the load, once read.
    stack_file: str | None = None

    def add(self, kind: str, name: str, doc: YamlDocument, path: PathKey) -> None:
        """Record that ``doc`` declares ``name`` of ``kind`` at ``path``."""
        self.documents[doc.file] = doc
        self.declared[(kind, name)] = (doc.file, path)
        if kind == "stack":
            self.stack_file = doc.file

    def is_broken(self, kind: str, name: str) -> bool:
        """True when ``name`` of ``kind`` was declared in a file that failed to load (already reported).

        An SLO's burn-rate alarms (``<slo>-burn-5m-1h``) count as broken with their SLO.
        """
        if kind in self.broken or (kind, name) in self.broken_names:
            return True
        if kind == "alarm" and "-burn-" in name:
            return ("alarm", name.split("-burn-", 1)[0]) in self.broken_names
        return False

    def where(self, kind: str, name: str) -> tuple[str, PathKey] | None:
        """The file and path of a declaration, if known."""
        return self.declared.get((kind, name))

    def locate(self, kind: str, name: str, fields: PathKey = ()) -> tuple[str, int, PathKey]:
        """File, line and full path of a field of a declared spec."""
        found = self.declared.get((kind, name))
        if found is None:
            return ("(project)", 1, fields)
        file, base = found
        if fields and fields[0] in self.overridden.get((kind, name), ()):
            if self.stack_file is not None:
                file = self.stack_file
                base = (*self.stack_paths.get("overrides", ("config", "vigil:overrides")), "alarms", name)
        elif kind == "stack" and fields and isinstance(fields[0], str):
            base = self.stack_paths.get(fields[0], base)
            fields = fields[1:]
        path = (*base, *fields)
        return (file, self.documents[file].line_of(path), path)

    def error(self, kind: str, name: str, fields: PathKey, message: str, severity: Level = "error") -> SpecError:
        """A :class:`SpecError` located at a field of a declared spec."""
        file, line, path = self.locate(kind, name, fields)
        return SpecError(file, line, field_name(path), message, severity)
