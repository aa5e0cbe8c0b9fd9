"""MkDocs hooks of the documentation site (named in mkdocs.yml; not a page).

- ``reference/cli.md`` and ``reference/spec.md`` are generated when the site is built, from the argparse parsers
  and the pydantic models (``vigil.reference``), so they cannot go stale.
- Fence tags that only the snippet runner reads (``no-run: REASON``, ``background``, ``write: PATH``,
  ``append: PATH``; see tests/readme/readme_blocks.py) are removed from the info string before rendering; a
  ``write:``/``append:`` path becomes the block's title.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.structure.files import File, Files

from vigil.reference import cli_reference, spec_reference

GENERATED = {"reference/cli.md": cli_reference, "reference/spec.md": spec_reference}
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]+) +(?P<tags>[^`\n]+)$", re.M)
_FILE_TAG = re.compile(r"^(write|append): *(\S+)")


def on_files(files: Files, config: Any) -> Files:
    """Add the generated reference pages."""
    for uri, render in GENERATED.items():
        files.append(File.generated(config, uri, content=render()))
    return files


def _clean(match: re.Match[str]) -> str:
    head = f"{match.group('indent')}{match.group('fence')}{match.group('lang')}"
    target = _FILE_TAG.match(match.group("tags").strip())
    return f'{head} title="{target.group(2)}"' if target else head


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Drop the runner's fence tags (a file target becomes the block's title)."""
    return _FENCE.sub(_clean, markdown)
