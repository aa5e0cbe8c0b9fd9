"""YAML with line numbers: every mapping key and list item remembers where it was written.

libyaml (when PyYAML has it) produces the event stream; :mod:`vigil.spec.yaml_builder` turns it into plain
Python data and a map from each data path to its 1-based line, with hard bounds on depth and aliases.
Duplicate keys, unsafe tags and syntax errors come back as located :class:`~vigil.spec.errors.SpecError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vigil.spec.errors import SpecError
from vigil.spec.yaml_builder import Builder
from vigil.spec.yaml_builder import PathKey as PathKey
from vigil.spec.yaml_builder import field_name as field_name


@dataclass
class YamlDocument:
    """Parsed data of one file with the line of every path, e.g. ``lines[("alarms", "x", "period")] == 12``."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    errors: list[SpecError] = field(default_factory=list)
    #: Text of plain scalars YAML read as numbers, booleans or dates, by path (``Version: 1.10`` -> ``"1.10"``).
    raw: dict[PathKey, str] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """The line of ``path``, or of its deepest ancestor that exists in the file (1 at worst)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


#: libyaml when PyYAML was built with it (about 10x faster); the pure-Python parser otherwise.
FAST_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 64 * 1024 * 1024

_TOKENS = {
    "<block end>": "the end of an indented block",
    "<block mapping start>": "the start of a mapping",
    "<block sequence start>": "the start of a list",
    "<block collection>": "an indented block",
    "<scalar>": "a value",
    "<stream end>": "the end of the file",
    "<document start>": "'---'",
}
_HINTS = (
    (
        "mapping values are not allowed",
        "a value contains ': ' or a key is indented wrongly; quote the value or fix the indentation",
    ),
    (
        "cannot start any token",
        "YAML does not allow this character here (tabs cannot indent); use spaces, or quote the value",
    ),
    ("expected ',' or ']'", "a '[' list is not closed with ']', or an item lacks its comma"),
    ("expected ',' or '}'", "a '{' mapping is not closed with '}', or an entry lacks its comma"),
    ("did not find expected key", "this line is indented differently from the keys around it"),
    ("did not find expected '-' indicator", "this line is indented differently from the list items around it"),
    ("expected <block end>", "this line is indented differently from the keys around it"),
    ("unexpected end of stream", "a quote or bracket opened here is never closed"),
    ("found undefined alias", "define the anchor ('&name') before its alias ('*name')"),
    ("found duplicate anchor", "rename one of the anchors"),
)


def _plain(text: str) -> str:
    for token, words in _TOKENS.items():
        text = text.replace(token, words)
    return text


def syntax_error(file: str, text: str, exc: yaml.YAMLError) -> SpecError:
    """A located, readable error for a YAML syntax error (no character offsets, no parser internals)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return SpecError(
            file, line, "(yaml)", f"YAML syntax error: character {char!r} is not allowed in YAML: remove it"
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return SpecError(file, 1, "(yaml)", f"YAML syntax error: {exc}")
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    context = exc.context_mark
    at_end = mark is not None and (mark.index >= len(text.rstrip()) or "end of stream" in problem)
    if context is not None and (at_end or (exc.context or "").startswith("while parsing a flow")):
        mark = context  # an unclosed quote or bracket: where it was opened, not the end of the file
    line = mark.line + 1 if mark else 1
    hint = next((h for key, h in _HINTS if key in problem), "")
    where = ""
    if exc.context and context is not None and context.line + 1 != line:
        where = f" ({_plain(exc.context)} started on line {context.line + 1})"
    message = f"YAML syntax error: {_plain(problem)}{where}" + (f": {hint}" if hint else "")
    return SpecError(file, line, "(yaml)", message)


def _read(path: Path, doc: YamlDocument) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            doc.errors.append(
                SpecError(doc.file, 1, "(file)", f"file is larger than {MAX_FILE_BYTES // 2**20} MiB: split it")
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        doc.errors.append(SpecError(doc.file, 1, "(file)", f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        doc.errors.append(
            SpecError(doc.file, line, "(file)", f"byte {data[exc.start]:#04x} is not UTF-8: save the file as UTF-8")
        )
        return None


def parse_text(text: str, display: str, loader: type[Any] | None = None) -> YamlDocument:
    """Parse YAML text (see :func:`load_yaml`); ``loader`` defaults to :data:`FAST_LOADER`."""
    doc = YamlDocument(file=display, data=None)
    builder = Builder(display)
    parser: Any = None
    try:
        parser = (loader or FAST_LOADER)(text)  # the pure-Python reader checks characters here already
        built = builder.run(parser)
    except yaml.YAMLError as exc:
        doc.errors.extend(builder.out.errors)
        doc.errors.append(syntax_error(display, text, exc))
        return doc
    finally:
        if parser is not None:
            parser.dispose()
    doc.errors.extend(built.errors)
    doc.lines, doc.raw = built.lines, built.raw
    doc.data = {} if built.data is None and not built.errors and builder.documents <= 1 else built.data
    return doc


def load_yaml(path: Path, display: str | None = None, loader: type[Any] | None = None) -> YamlDocument:
    """Parse one YAML file; syntax errors, duplicate keys and unsafe input come back in ``errors``, never raised.

    Bounded in time and memory for any input (see :mod:`vigil.spec.yaml_builder`).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = p.write_text("a:\\n  b: 1\\n")
    >>> load_yaml(p).lines[("a", "b")]
    2
    """
    doc = YamlDocument(file=display or str(path), data=None)
    text = _read(path, doc)
    if text is None:
        return doc
    return parse_text(text, doc.file, loader)
