"""Automatic dashboard grid layout (24 columns).

Widgets without ``x``/``y`` flow left to right and wrap to a new row when they do not fit; a row is as
tall as its tallest widget. A widget with both ``x`` and ``y`` stays where it is, and the flow continues
to its right. A widget with only ``x`` starts there on the current row (or on the next one, when the
current row has already passed that column).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

GRID_WIDTH = 24


class Placeable(Protocol):
    """Anything with a size and an optional position (the spec widgets)."""

    @property
    def x(self) -> int | None: ...
    @property
    def y(self) -> int | None: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


@dataclass(frozen=True)
class Box:
    """A widget's place on the grid."""

    x: int
    y: int
    width: int
    height: int


def layout(widgets: list[Placeable]) -> list[Box]:
    """Place every widget; returns one box per widget, in order.

    >>> from types import SimpleNamespace as W
    >>> [(b.x, b.y) for b in layout([W(x=None, y=None, width=12, height=6)] * 3)]
    [(0, 0), (12, 0), (0, 6)]
    """
    boxes: list[Box] = []
    cx, cy, row_height = 0, 0, 0
    for w in widgets:
        width = min(w.width, GRID_WIDTH)
        if w.x is not None and w.y is not None:
            box = Box(w.x, w.y, width, w.height)
            cx, cy, row_height = w.x + width, w.y, max(row_height if w.y == cy else 0, w.height)
        else:
            start = w.x if w.x is not None else cx
            if start < cx or start + width > GRID_WIDTH:
                cy, row_height = cy + row_height, 0
                start = w.x if w.x is not None else 0
            box = Box(start, cy, width, w.height)
            cx, row_height = start + width, max(row_height, w.height)
        boxes.append(box)
    return boxes
