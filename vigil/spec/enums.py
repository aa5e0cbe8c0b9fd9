"""CloudWatch enumerations (units, statistics, comparison operators, retention days) from botocore.

The values are extracted from botocore's CloudWatch and CloudWatch Logs service models into
``vigil/spec/data/cloudwatch.json`` by ``python -m vigil.spec.enums`` so that the application side does
not need botocore installed; a test checks the file still equals the installed botocore's models.
"""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from vigil.spec import statistic

DATA_FILE = Path(__file__).with_name("data") / "cloudwatch.json"

#: The SYNTAX of extended statistics besides the five basic ones (percentiles, the trimmed/winsorized families,
#: percentile rank, IQM). Ranges of values (percentages up to 100, lower below upper) are checked by
#: :func:`vigil.spec.statistic.parse_statistic`, which :func:`is_statistic` uses: read that module for the grammar.
EXTENDED_STATISTIC = re.compile(
    r"^IQM$|^(p|tm|tc|ts|wm)\d+(\.\d{1,10})?$|^(TM|TC|TS|WM|PR)\((\d+(\.\d{1,10})?%?)?:(\d+(\.\d{1,10})?%?)?\)$",
)

_UNIT_FAMILIES: dict[str, tuple[str, ...]] = {
    "time": ("Microseconds", "Milliseconds", "Seconds"),
    "bytes": ("Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes"),
    "bits": ("Bits", "Kilobits", "Megabits", "Gigabits", "Terabits"),
    "byte-rate": ("Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second"),
    "bit-rate": ("Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second"),
}


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def units() -> tuple[str, ...]:
    """CloudWatch ``StandardUnit`` values (``Count``, ``Milliseconds``, ``None`` ...)."""
    return tuple(_data()["units"])


def statistics() -> tuple[str, ...]:
    """The basic statistics (``SampleCount``, ``Average``, ``Sum``, ``Minimum``, ``Maximum``)."""
    return tuple(_data()["statistics"])


def comparison_operators() -> tuple[str, ...]:
    """CloudWatch ``ComparisonOperator`` values."""
    return tuple(_data()["comparison_operators"])


def retention_days() -> tuple[int, ...]:
    """Retention periods CloudWatch Logs accepts, in days."""
    return tuple(_data()["retention_days"])


def is_statistic(name: str) -> bool:
    """True for a basic statistic or a valid extended statistic.

    >>> is_statistic("p99"), is_statistic("p99.9"), is_statistic("Average"), is_statistic("P99"), is_statistic("IQM")
    (True, True, True, False, True)
    """
    return statistic.is_statistic(name)


def is_extended(name: str) -> bool:
    """True for an extended statistic (``p95``), which CloudWatch takes as ``ExtendedStatistic``."""
    return name not in statistics() and statistic.is_statistic(name)


#: Units Vigil converts a threshold between, by size in the smallest one. Only time: CloudWatch does not say
#: whether a Kilobyte is 1,000 or 1,024 Bytes, so byte and bit units are never converted.
_TIME_SCALE: dict[str, int] = {"Microseconds": 1, "Milliseconds": 1_000, "Seconds": 1_000_000}


def convert(value: float, from_unit: str, to_unit: str) -> float | None:
    """``value`` in ``from_unit`` expressed in ``to_unit``; None when Vigil does not convert between them.

    >>> convert(600, "Milliseconds", "Seconds"), convert(0.25, "Seconds", "Milliseconds"), convert(1, "Kilobytes", "Bytes")
    (0.6, 250.0, None)
    """
    if from_unit == to_unit:
        return float(value)
    if from_unit not in _TIME_SCALE or to_unit not in _TIME_SCALE:
        return None
    return float(Fraction(str(value)) * _TIME_SCALE[from_unit] / _TIME_SCALE[to_unit])


def unit_family(unit: str) -> str:
    """The family a unit converts within (``Milliseconds -> 'time'``); other units are their own family."""
    for family, members in _UNIT_FAMILIES.items():
        if unit in members:
            return family
    return unit


def _enum(model: Any, shape: str) -> list[str]:
    return list(model.shape_for(shape).metadata["enum"])


def extract_from_botocore() -> dict[str, Any]:
    """Read the enumerations from the installed botocore's service models."""
    import botocore.session

    session = botocore.session.get_session()
    cw = session.get_service_model("cloudwatch")
    logs = session.get_service_model("logs")
    days_doc = logs.shape_for("Days").documentation
    days = [int(d) for d in re.findall(r"\b(\d+)\b", days_doc.split("Possible values are:")[1].split("</p>")[0])]
    return {
        "source": "botocore service models: cloudwatch (StandardUnit, Statistic, ComparisonOperator), "
        "logs (Days documentation)",
        "units": _enum(cw, "StandardUnit"),
        "statistics": _enum(cw, "Statistic"),
        "comparison_operators": _enum(cw, "ComparisonOperator"),
        "retention_days": days,
    }


def main() -> int:
    """Regenerate the data file from botocore: ``python -m vigil.spec.enums``."""
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(json.dumps(extract_from_botocore(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {DATA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
