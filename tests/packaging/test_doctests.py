"""Every docstring example in ``vigil`` runs (from the repository root, as a reader would paste it).

Examples that need a cloud, a server or a file the repository does not have are marked ``# doctest: +SKIP``;
everything else is executed here, one test per module, so a wrong example fails like any other test.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import vigil

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(info.name for info in pkgutil.walk_packages(vigil.__path__, "vigil."))


def test_every_module_is_collected() -> None:
    assert len(MODULES) >= 200
    assert {"vigil.plan.stack", "vigil.spec.limits", "vigil.cost.estimate"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    for test in doctest.DocTestFinder().find(module, name):
        result = runner.run(test, out=failures.append)
        assert result.failed == 0, "".join(failures)
