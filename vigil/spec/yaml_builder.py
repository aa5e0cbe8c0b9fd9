"""Build plain Python data and a line map from libyaml's event stream, with hard bounds.

Working on events (not on PyYAML's node graph) keeps every input bounded and every problem located:

- nesting deeper than :data:`MAX_DEPTH` stops the file (libyaml's C composer would overflow the C stack);
- an alias shares the anchored value instead of copying it, and aliases and merge keys together may add at
  most :data:`ALIAS_BUDGET` values (an "alias bomb" is refused in microseconds, not expanded for a minute);
- an alias to a value that is still open (a recursive alias) is an error, not an infinite structure;
- keys are always the text as written: ``2024-12-31:`` and ``60:`` are names, a list or mapping as a key
  is an error;
- only the tags of ``yaml.SafeLoader`` are accepted; ``!!python/...`` and custom tags stop the file with an
  error (like a syntax error: nothing of it is used, so nothing else is reported about it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from vigil.spec.errors import SpecError
from vigil.spec.yaml_scalars import (
    COLLECTION_TAGS,
    MAP,
    MERGE,
    SCALAR_TAGS,
    STR,
    construct,
    resolve_plain,
    short_tag,
)

PathKey = tuple[str | int, ...]

MAX_DEPTH = 64
ALIAS_BUDGET = 200_000


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
            out += ("." if out else "") + (str(part) or "''")  # an empty key stays visible
    return out or "(file)"


class Abort(Exception):
    """The file cannot be built further (the error is already recorded)."""


@dataclass
class _Frame:
    """An open mapping or sequence."""

    path: PathKey
    line: int
    anchor: str | None
    is_map: bool
    items: list[Any] = field(default_factory=list)  # sequence items
    pairs: list[tuple[str | None, int, Any]] = field(default_factory=list)  # key (None: merge), line, value
    key: str | None = None
    key_line: int = 0
    has_key: bool = False
    bad_key: bool = False
    key_pending: bool = False  # a list or mapping is being read as a key (an error; it is dropped)
    size: int = 1


@dataclass
class Built:
    """What :func:`build` produced for one document."""

    data: Any = None
    lines: dict[PathKey, int] = field(default_factory=dict)
    #: The text of plain scalars YAML read as numbers, booleans or dates (``1.10``, ``yes``, ``2024-12-31``).
    raw: dict[PathKey, str] = field(default_factory=dict)
    errors: list[SpecError] = field(default_factory=list)


class Builder:
    """Consumes events of one stream; see the module docstring for the rules it enforces."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.out = Built()
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, str | None]] = {}  # value, size, raw text of a scalar
        self.open_anchors: set[str] = set()
        self.budget = ALIAS_BUDGET
        self.documents = 0

    def error(self, line: int, path: PathKey, message: str) -> None:
        """Record a located problem."""
        self.out.errors.append(SpecError(self.file, line, field_name(path), message))

    def run(self, loader: Any) -> Built:
        """Build the single document ``loader`` (a PyYAML loader instance) parses; problems are recorded in the
        result, never raised, except ``yaml.YAMLError`` for syntax errors."""
        handlers = {
            yaml.ScalarEvent: self._scalar,
            yaml.MappingStartEvent: self._open,
            yaml.SequenceStartEvent: self._open,
            yaml.AliasEvent: self._alias,
            yaml.DocumentStartEvent: self._document,
        }
        closers = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        get_event = loader.get_event
        try:
            while True:
                event = get_event()
                kind = type(event)
                if kind in closers:
                    self._close()
                    continue
                handler = handlers.get(kind)
                if handler is not None:
                    handler(event, event.start_mark.line + 1 if event.start_mark else 1)
                elif event is None or kind is yaml.StreamEndEvent:
                    break
        except Abort:
            self.out.data = None
        return self.out

    def _document(self, event: yaml.Event, line: int) -> None:
        self.documents += 1
        if self.documents > 1:
            self.error(line, (), "a spec file holds one YAML document: remove the second '---' or split the file")
            raise Abort

    def _path(self) -> PathKey:
        """The path of the value about to be added to the innermost open collection."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.is_map:
            return (*top.path, top.key) if top.has_key and top.key is not None else top.path
        return (*top.path, len(top.items))

    def _scalar(self, event: Any, line: int) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and not top.has_key:
            self._key(top, event, line)
            return
        tag = event.tag
        if tag is None and not event.style and resolve_plain(event.value) == STR:
            self._add(event.value, 1, line, event.anchor, None)  # the common case: plain text
            return
        plain, _ = event.implicit
        value: Any = event.value
        raw: str | None = None
        if tag in (None, "!") or (plain and tag is None):
            tag = resolve_plain(event.value) if plain and not event.style else STR
        if tag not in SCALAR_TAGS:
            if tag != "tag:yaml.org,2002:value":
                self.error(line, self._path(), _tag_message(tag))
                raise Abort
            tag = STR
        if tag == MERGE:
            value = event.value
        elif tag != STR:
            try:
                value = construct(tag, event.value, event.start_mark)
            except ValueError as exc:
                self.error(line, self._path(), f"{exc}: quote it to keep it as text")
                value = event.value
            if plain and event.tag is None:
                raw = event.value
        self._add(value, 1, line, event.anchor, raw)

    def _key(self, top: _Frame, event: yaml.ScalarEvent, line: int) -> None:
        top.has_key, top.key_line, top.bad_key = True, line, False
        tag = event.tag
        if tag not in (None, "!") and tag not in SCALAR_TAGS:
            self.error(line, (*top.path, event.value), _tag_message(tag))
            raise Abort
        is_merge = not event.style and event.implicit[0] and event.value == "<<" and tag in (None, MERGE)
        top.key = None if is_merge or tag == MERGE else event.value
        if event.anchor:
            self.anchors[event.anchor] = (event.value, 1, event.value)

    def _open(self, event: Any, line: int) -> None:
        is_map = type(event) is yaml.MappingStartEvent
        path = self._path()
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and not top.has_key:
            self.error(line, top.path, "a key must be plain text, not a list or mapping: write the key as a name")
            top.key_pending, top.key_line = True, line
        if event.tag not in (None, "!") and event.tag not in COLLECTION_TAGS:
            self.error(line, path, _tag_message(event.tag))
            raise Abort
        elif event.tag in COLLECTION_TAGS and (event.tag == MAP) != is_map:
            self.error(line, path, f"tag {short_tag(event.tag)} does not match this {'mapping' if is_map else 'list'}")
            raise Abort
        if len(self.stack) >= MAX_DEPTH:
            self.error(line, path[:4], f"nesting deeper than {MAX_DEPTH} levels: a spec is never this deep; flatten it")
            raise Abort
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Frame(path=path, line=line, anchor=event.anchor, is_map=is_map))

    def _close(self) -> None:
        frame = self.stack.pop()
        value = self._mapping(frame) if frame.is_map else frame.items
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
        self._add(value, frame.size, frame.line, frame.anchor, None, lines_done=True)

    def _alias(self, event: Any, line: int) -> None:
        name = event.anchor or ""
        top = self.stack[-1] if self.stack else None
        if name in self.open_anchors:
            self.error(line, self._path(), f"recursive alias '*{name}': the anchor '&{name}' contains itself")
            raise Abort
        if name not in self.anchors:
            self.error(
                line, self._path(), f"alias '*{name}' has no anchor '&{name}' before it: define the anchor first"
            )
            raise Abort
        value, size, raw = self.anchors[name]
        if top is not None and top.is_map and not top.has_key:
            top.has_key, top.key_line, top.bad_key = True, line, raw is None
            top.key = raw
            if raw is None:
                self.error(line, top.path, "a key must be plain text, not a list or mapping: write the key as a name")
            return
        self.budget -= size
        if self.budget < 0:
            self.error(
                line,
                self._path(),
                f"aliases expand this file to more than {ALIAS_BUDGET} values (an 'alias bomb'?): "
                "use fewer nested aliases",
            )
            raise Abort
        self._add(value, size, line, None, None)

    def _add(
        self, value: Any, size: int, line: int, anchor: str | None, raw: str | None, lines_done: bool = False
    ) -> None:
        if anchor:
            self.anchors[anchor] = (
                value,
                size,
                raw if raw is not None else (value if isinstance(value, str) else None),
            )
        if not self.stack:
            self.out.data = value
            return
        top = self.stack[-1]
        top.size += size
        if top.is_map and top.key_pending:  # the list or mapping that was a key is complete: drop it
            top.key_pending, top.has_key, top.key, top.bad_key = False, True, None, True
            return
        if top.is_map:
            if not top.bad_key:
                top.pairs.append((top.key, top.key_line, value))
                if raw is not None and top.key is not None:
                    self.out.raw[(*top.path, top.key)] = raw
            top.has_key, top.key, top.bad_key = False, None, False
            return
        path = (*top.path, len(top.items))
        self.out.lines[path] = line
        if raw is not None:
            self.out.raw[path] = raw
        top.items.append(value)

    def _mapping(self, frame: _Frame) -> dict[str, Any]:
        """A mapping's dict: merged keys first, explicit keys override them; duplicates are errors."""
        explicit: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key, line, value in frame.pairs:
            if key is None:
                self._merge(frame, line, value, merged)
                continue
            path = (*frame.path, key)
            if key in explicit:
                first = self.out.lines.get(path, line)
                self.error(
                    line,
                    path,
                    f"duplicate key '{key}' (first defined on line {first}); YAML would silently keep only the "
                    "last one: remove or rename one of them",
                )
                continue
            explicit[key] = value
            self.out.lines[path] = line
        return {**merged, **explicit} if merged else explicit

    def _merge(self, frame: _Frame, line: int, value: Any, merged: dict[str, Any]) -> None:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                self.error(line, (*frame.path, "<<"), "a merge key '<<' takes a mapping or a list of mappings")
                return
            self.budget -= len(source)
            if self.budget < 0:
                self.error(line, (*frame.path, "<<"), f"merge keys copy more than {ALIAS_BUDGET} values: use fewer")
                raise Abort
            for key, item in source.items():
                if key not in merged:
                    merged[key] = item
                    self.out.lines.setdefault((*frame.path, key), line)


def _tag_message(tag: str | None) -> str:
    return (
        f"unsupported YAML tag '{short_tag(tag or '')}': a spec is plain data (text, numbers, lists, mappings); "
        "remove the tag"
    )
