"""``vigil preview``: run the real Pulumi program under Pulumi's mock engine and show the plan.

Pulumi is imported only when a preview runs, so importing this package needs no Pulumi SDK.

Example::

    >>> from vigil.preview import run_preview, render_text
    >>> print(render_text(run_preview(".", "dev")))  # doctest: +SKIP
"""

from __future__ import annotations

from vigil.preview.engine import RecordedResource, Recording, redact, run_program
from vigil.preview.render import render_text
from vigil.preview.run import PreviewResource, PreviewResult, run_preview

__all__ = [
    "PreviewResource",
    "PreviewResult",
    "RecordedResource",
    "Recording",
    "redact",
    "render_text",
    "run_preview",
    "run_program",
]
