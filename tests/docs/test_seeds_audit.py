"""docs/seeds-audit.md stays true to the repository: every cited file exists, every cited text occurs in its file,
every row is well formed, and the totals at the top are the counts of the rows below them."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / "docs" / "seeds-audit.md"
SEEDS = ("000", "001", "002", "003", "004")
STATUSES = ("done", "partial", "missing", "not applicable")
ROW_ID = re.compile(r"^\| \d{3}-\d{2,3} \|")
TOTALS = re.compile(
    r"\*\*Totals: (?P<applicable>\d+) applicable requirements: (?P<done>\d+) done \((?P<share>[\d.]+) %\), "
    r"(?P<partial>\d+) partial, (?P<missing>\d+) missing; (?P<na>\d+) not applicable\.\*\*"
)
SEED_ROW = re.compile(r"^\| (?P<seed>\d{3}) [^|]+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$")


class Row:
    """One requirement row of the audit."""

    def __init__(self, line_no: int, line: str) -> None:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 5, f"docs/seeds-audit.md:{line_no}: a row has 5 cells, this one {len(cells)}"
        self.line_no = line_no
        self.id, self.requirement, self.status, self.where, self.note = cells

    @property
    def citations(self) -> list[str]:
        """The backticked ``path`` or ``path#text`` items of the where column."""
        return re.findall(r"`([^`]+)`", self.where)


def _text() -> str:
    return AUDIT.read_text(encoding="utf-8")


def _rows() -> list[Row]:
    rows = []
    for number, line in enumerate(_text().splitlines(), start=1):
        if ROW_ID.match(line):
            rows.append(Row(number, line))
    return rows


def test_the_audit_has_rows_for_every_seed() -> None:
    seeds = Counter(row.id[:3] for row in _rows())
    assert set(seeds) == set(SEEDS), seeds
    assert all(count >= 20 for count in seeds.values()), seeds


def test_every_row_is_well_formed() -> None:
    problems = []
    ids = Counter(row.id for row in _rows())
    problems += [f"{row_id} appears {n} times" for row_id, n in ids.items() if n > 1]
    for row in _rows():
        where = f"docs/seeds-audit.md:{row.line_no}: {row.id}"
        if row.status not in STATUSES:
            problems.append(f"{where}: status {row.status!r} is not one of {STATUSES}")
        if row.status == "done" and not row.citations:
            problems.append(f"{where}: a done row cites no file")
        if row.status in ("partial", "missing", "not applicable") and not row.note:
            problems.append(f"{where}: a {row.status} row says nothing about what is lacking or why")
    assert not problems, "\n".join(problems)


def test_every_citation_exists() -> None:
    problems = []
    for row in _rows():
        for citation in row.citations:
            path_text, _, needle = citation.partition("#")
            path = ROOT / path_text
            where = f"docs/seeds-audit.md:{row.line_no}: {row.id}: {citation!r}"
            if not path.exists():
                problems.append(f"{where}: no such file or directory")
            elif needle and (path.is_dir() or needle not in path.read_text(encoding="utf-8")):
                problems.append(f"{where}: {needle!r} does not occur in {path_text}")
    assert not problems, "\n".join(problems)


def test_the_totals_are_the_counts_of_the_rows() -> None:
    rows = _rows()
    counts = Counter(row.status for row in rows)
    match = TOTALS.search(_text())
    assert match, "the totals line is missing or malformed"
    applicable = counts["done"] + counts["partial"] + counts["missing"]
    assert int(match["applicable"]) == applicable
    assert int(match["done"]) == counts["done"]
    assert int(match["partial"]) == counts["partial"]
    assert int(match["missing"]) == counts["missing"]
    assert int(match["na"]) == counts["not applicable"]
    assert match["share"] == f"{100 * counts['done'] / applicable:.1f}"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_per_seed_totals_are_the_counts_of_the_rows(seed: str) -> None:
    counts = Counter(row.status for row in _rows() if row.id.startswith(seed))
    found = [m for line in _text().splitlines() if (m := SEED_ROW.match(line)) and m["seed"] == seed]
    assert len(found) == 1, f"no totals row for seed {seed}"
    applicable, done, partial, missing, na = (int(found[0][i]) for i in range(2, 7))
    assert (done, partial, missing, na) == (
        counts["done"],
        counts["partial"],
        counts["missing"],
        counts["not applicable"],
    )
    assert applicable == done + partial + missing
