"""The fenced code blocks of the README and of docs/, and running them verbatim as a reader would.

Convention (also in docs/contributing.md):

- A block fenced with ```` ```sh ```` runs in bash (``set -euo pipefail``) from the repository root; one fenced with
  ```` ```python ```` runs with ``.venv/bin/python`` from the repository root. Each block is a fresh process; what a
  block writes to disk stays for the blocks after it, as when a reader follows the README top to bottom.
- ```` ```sh background ```` starts a server for the blocks after it: the runner waits until the port named in the
  block (``--port N`` or ``127.0.0.1:N``) accepts connections and stops the server after the last block.
- ```` ```sh no-run: REASON ```` / ```` ```python no-run: REASON ```` is shown but not run here; the reason is
  required (the Pulumi CLI or AWS credentials, for instance).
- ```` ```yaml write: PATH ```` / ```` ```yaml append: PATH ```` (any language) writes the block's text to PATH, or
  appends it, relative to the repository root, as a reader saving the file would; the site shows PATH as the title.
- Blocks in any other language (``yaml``, ``text``, none) are examples and output, not commands.
- Every block runs with ``.venv/bin`` first on ``PATH``, as after ``source .venv/bin/activate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RUNNABLE = {"sh": "sh", "bash": "sh", "shell": "sh", "python": "python", "py": "python"}
NO_RUN = "no-run"
BACKGROUND = "background"
FILE_TAGS = ("write:", "append:")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_PORT = re.compile(r"(?:--port[ =]|127\.0\.0\.1:|localhost:)(\d{2,5})")


class ReadmeFormatError(ValueError):
    """The README's fences are broken (an unclosed block) or a block's tags are not understood."""


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts (1-based line of the opening fence), its language, tags and text."""

    line: int
    lang: str
    tags: tuple[str, ...]
    text: str
    reason: str = ""

    @property
    def file_target(self) -> tuple[str, str] | None:
        """``("write" | "append", PATH)`` for a block that saves itself to a file, else ``None``."""
        if len(self.tags) == 2 and self.tags[0] in FILE_TAGS:
            return self.tags[0][:-1], self.tags[1]
        return None

    @property
    def kind(self) -> str | None:
        """``"sh"`` or ``"python"`` for a block that is a command, ``None`` for examples and output."""
        return RUNNABLE.get(self.lang)

    @property
    def runs(self) -> bool:
        """True when the runner executes this block."""
        return self.kind is not None and NO_RUN not in self.tags

    @property
    def background(self) -> bool:
        """True for a server started for the following blocks."""
        return BACKGROUND in self.tags

    def port(self) -> int | None:
        """The port a background block serves on (the first ``--port N`` or ``127.0.0.1:N`` in it)."""
        match = _PORT.search(self.text)
        return int(match.group(1)) if match else None

    def where(self, file: str = "README.md") -> str:
        """``README.md:LINE (sh block)`` for messages."""
        return f"{file}:{self.line} ({self.lang} block{', ' + ' '.join(self.tags) if self.tags else ''})"


def _parse_info(info: str, line: int, file: str = "README.md") -> tuple[str, tuple[str, ...], str]:
    lang, _, rest = info.strip().partition(" ")
    rest = rest.strip()
    if not rest:
        return lang, (), ""
    if rest.startswith(NO_RUN):
        reason = rest[len(NO_RUN) :].lstrip(":").strip()
        if RUNNABLE.get(lang) and not reason:
            raise ReadmeFormatError(
                f"{file}:{line}: '{NO_RUN}' needs a reason: ```{lang} {NO_RUN}: why it cannot run here"
            )
        return lang, (NO_RUN,), reason
    if rest.startswith(FILE_TAGS):
        action, _, path = rest.partition(":")
        if not path.strip() or len(path.split()) != 1:
            raise ReadmeFormatError(
                f"{file}:{line}: '{action}:' needs one relative path: ```{lang} {action}: dir/file.yaml"
            )
        return lang, (action + ":", path.strip()), ""
    tags = tuple(rest.split())
    unknown = [t for t in tags if t != BACKGROUND]
    if RUNNABLE.get(lang) and unknown:
        raise ReadmeFormatError(
            f"{file}:{line}: unknown tag(s) {' '.join(unknown)} on a {lang} block; use '{BACKGROUND}', '{NO_RUN}: REASON' or 'write: PATH'"
        )
    return lang, tags, ""


def parse_blocks(markdown: str, file: str = "README.md") -> list[Block]:
    """Every fenced block of ``markdown``, in order.

    >>> [(b.line, b.lang, b.text) for b in parse_blocks("x\\n```sh\\necho hi\\n```\\n")]
    [(2, 'sh', 'echo hi\\n')]
    """
    blocks: list[Block] = []
    lines = markdown.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index].rstrip("\n"))
        if opening is None:
            index += 1
            continue
        fence, start = opening.group("fence"), index + 1
        lang, tags, reason = _parse_info(opening.group("info"), start, file)
        body: list[str] = []
        index += 1
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            body.append(lines[index])
            index += 1
        else:
            raise ReadmeFormatError(f"{file}:{start}: the {fence} block opened here is never closed")
        blocks.append(Block(start, lang, tags, "".join(body), reason))
        index += 1
    return blocks
