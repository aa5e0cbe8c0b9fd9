"""YAML with line numbers: every mapping key and list item remembers where it was written.

PyYAML's composer keeps a source mark on every node; this module builds plain Python data from the
node tree and a map from each data path to its 1-based line, and reports duplicate keys (which
``yaml.safe_load`` would silently overwrite) and syntax errors as :class:`~vigil.spec.errors.SpecError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vigil.spec.errors import SpecError

PathKey = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed data of one file with the line of every path, e.g. ``lines[("alarms", "x", "period")] == 12``."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    errors: list[SpecError] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int:
        """The line of ``path``, or of its deepest ancestor that exists in the file (1 at worst)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def field_name(path: PathKey) -> str:
    """Dotted field name of a path: ``("widgets", 2, "metrics") -> 'widgets[2].metrics'``.

    >>> field_name(("alarms", "api-latency", "metric", "dimensions"))
    'alarms.api-latency.metric.dimensions'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.doc.lines[(*path, index)] = child.start_mark.line + 1
                items.append(self.build(child, (*path, index)))
            return items
        return self.constructor.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        explicit = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<); merged pairs come first
        out: dict[Any, Any] = {}
        from_merge: set[Any] = set()
        for key_node, value_node in node.value:
            key = self.constructor.construct_object(key_node, deep=True)
            if isinstance(key, int | float | bool) or key is None:
                key = str(key_node.value)  # `P1: ...` stays a string; so do numeric-looking keys
            line = key_node.start_mark.line + 1
            if key in from_merge and id(key_node) in explicit:
                from_merge.discard(key)  # an explicit key overrides the merged one, as YAML intends
                del out[key]
            if id(key_node) not in explicit:
                from_merge.add(key)
            if key in out:
                first = self.doc.lines.get((*path, key), line)
                self.doc.errors.append(
                    SpecError(
                        self.doc.file,
                        line,
                        field_name((*path, key)),
                        f"duplicate key '{key}' (first defined on line {first}); YAML would silently keep "
                        "only the last one: remove or rename one of them",
                    )
                )
                continue
            self.doc.lines[(*path, key)] = line
            out[key] = self.build(value_node, (*path, key))
        return out


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Parse one YAML file; syntax errors and duplicate keys come back in ``errors``, never raised.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = p.write_text("a:\\n  b: 1\\n")
    >>> load_yaml(p).lines[("a", "b")]
    2
    """
    doc = YamlDocument(file=display or str(path), data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        doc.errors.append(SpecError(doc.file, 1, "(file)", f"cannot read the file: {exc}"))
        return doc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        doc.errors.append(SpecError(doc.file, line, "(yaml)", f"YAML syntax error: {problem}{context}"))
        return doc
    except yaml.YAMLError as exc:
        doc.errors.append(SpecError(doc.file, 1, "(yaml)", f"YAML error: {exc}"))
        return doc
    if node is None:
        doc.data = {}
        return doc
    try:
        doc.data = _Builder(doc).build(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        doc.errors.append(SpecError(doc.file, mark.line + 1 if mark else 1, "(yaml)", f"YAML error: {exc.problem}"))
    return doc
