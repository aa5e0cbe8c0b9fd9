"""Log events from files, as CloudWatch Logs would hold them: plain lines, JSON lines, exports; gzipped or not.

Three layouts are recognised per file, by its first non-blank line:

- a CloudWatch Logs export as ``aws logs filter-log-events`` prints it: one JSON document
  ``{"events": [{"timestamp", "message", "ingestionTime", ...}], ...}`` (read incrementally, so a large export
  needs no more memory than one event), or a JSON array of such events;
- JSON lines, each an exported event (an object with a string ``message``, a numeric ``timestamp`` and one of
  ``ingestionTime``, ``logStreamName``, ``eventId``), e.g. ``jq -c '.events[]'`` of an export;
- anything else: every line is one log event's message (application stdout, an EMF file, ``vigil.emf``'s
  stdout sink). Such lines carry no ingestion time.

Gzip is detected by its magic bytes, not the file name.

Example::

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "app.log"
    >>> _ = path.write_text('{"level": "INFO"}\\nplain text\\n')
    >>> [(e.message, e.line) for e in read_events(path)]
    [('{"level": "INFO"}', 1), ('plain text', 2)]
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from vigil.backtest.errors import LogReadError

_CHUNK = 1 << 16
_EXPORT_MARKERS = ("ingestionTime", "logStreamName", "eventId")


class LogEvent(NamedTuple):
    """One log event: its message, where it came from, and the times CloudWatch Logs recorded (epoch ms)."""

    message: str
    source: str
    line: int
    timestamp_ms: int | None = None
    ingestion_ms: int | None = None


def _open(path: Path) -> IO[str]:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise LogReadError(f"{path}: cannot read the log file: {exc.strerror or exc}; check the --logs path") from exc
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.open(raw, "rt", encoding="utf-8", errors="replace")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace")


def read_events(path: str | Path) -> Iterator[LogEvent]:
    """Every log event of ``path`` in file order (raises :class:`LogReadError` for an unreadable file)."""
    path = Path(path)
    if path.is_dir():
        raise LogReadError(f"{path}: is a directory; pass the log files themselves (e.g. {path}/*.log)")
    handle = _open(path)
    try:
        yield from _events(handle, str(path))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LogReadError(f"{path}: the file cannot be read to the end ({exc}); is the gzip file truncated?") from exc
    finally:
        handle.close()


def _events(handle: IO[str], source: str) -> Iterator[LogEvent]:
    number = 0
    for text in handle:
        number += 1
        stripped = text.strip()
        if not stripped:
            continue
        if stripped[0] in "{[" and _starts_document(stripped):
            yield from _document(stripped + "\n" + handle.read(_CHUNK), handle, source, number)
            return
        yield from _lines(stripped, handle, source, number)
        return


def _starts_document(first: str) -> bool:
    """True when the first line opens a multi-line JSON export (``{"events": [`` or ``[``) instead of a JSON line."""
    try:
        value = json.loads(first)
    except ValueError:
        return first in ("{", "[") or first.replace(" ", "").startswith(('{"events":[', "[{"))
    return isinstance(value, list) or (isinstance(value, dict) and isinstance(value.get("events"), list))


def _lines(first: str, handle: IO[str], source: str, number: int) -> Iterator[LogEvent]:
    yield _line_event(first, source, number)
    for text in handle:
        number += 1
        stripped = text.rstrip("\r\n")
        if not stripped or stripped.isspace():
            continue
        if '"message"' in stripped:  # maybe an exported event (JSON lines of an export)
            yield _line_event(stripped, source, number)
        else:
            yield LogEvent(stripped, source, number)


def _line_event(text: str, source: str, number: int) -> LogEvent:
    if text.startswith("{") and '"message"' in text and any(marker in text for marker in _EXPORT_MARKERS):
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        event = _exported(doc, source, number)
        if event is not None:
            return event
    return LogEvent(text, source, number)


def _exported(doc: Any, source: str, number: int) -> LogEvent | None:
    """The event of an exported ``{"timestamp", "message", ...}`` object, or None when ``doc`` is not one."""
    if not isinstance(doc, dict) or not isinstance(doc.get("message"), str):
        return None
    timestamp = doc.get("timestamp")
    if not isinstance(timestamp, int | float) or not any(marker in doc for marker in _EXPORT_MARKERS):
        return None
    ingestion = doc.get("ingestionTime")
    ingestion_ms = int(ingestion) if isinstance(ingestion, int | float) else None
    return LogEvent(doc["message"].rstrip("\r\n"), source, number, int(timestamp), ingestion_ms)


def _document(buffer: str, handle: IO[str], source: str, line: int) -> Iterator[LogEvent]:
    """Events of a JSON export document, decoded one event at a time from a sliding buffer."""
    decoder = json.JSONDecoder()
    start = buffer.find("[")
    if start < 0:
        raise LogReadError(
            f"{source}:{line}: a JSON document without an events array; expected an export of "
            '`aws logs filter-log-events` ({{"events": [...]}}) or one log line per line'
        )
    pos = start + 1
    index = 0
    while True:
        pos = _skip(buffer, pos)
        while pos >= len(buffer) - 1:
            more = handle.read(_CHUNK)
            if not more:
                break
            buffer, pos = buffer[pos:] + more, 0
            pos = _skip(buffer, pos)
        if pos >= len(buffer) or buffer[pos] == "]":
            return
        while True:
            try:
                doc, end = decoder.raw_decode(buffer, pos)
                break
            except ValueError:
                more = handle.read(_CHUNK)
                if not more:
                    raise LogReadError(
                        f"{source}: event {index} of the export is not valid JSON (the file ends inside it); "
                        "export the log group again"
                    ) from None
                buffer, pos = buffer[pos:] + more, 0
        index += 1
        event = _exported(doc, source, index) if isinstance(doc, dict) else None
        if event is None and isinstance(doc, dict) and isinstance(doc.get("message"), str):
            event = LogEvent(doc["message"], source, index)
        if event is not None:
            yield event
        pos = end


def _skip(buffer: str, pos: int) -> int:
    """Skip whitespace and one comma."""
    length = len(buffer)
    while pos < length and buffer[pos] in " \t\r\n,":
        pos += 1
    return pos
