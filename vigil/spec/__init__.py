"""Typed specs: load a project's YAML, validate it, and hand a frozen :class:`Project` to the rest.

>>> from vigil.spec import load_project
>>> result = load_project(".", stack="dev")  # doctest: +SKIP
>>> for error in result.errors:  # doctest: +SKIP
...     print(error)            # file:line: field: message
"""

from vigil.spec.errors import SpecError, SpecLoadError
from vigil.spec.loader import LoadResult, ParseCache, available_stacks, load_project
from vigil.spec.models import Project

__all__ = ["LoadResult", "ParseCache", "Project", "SpecError", "SpecLoadError", "available_stacks", "load_project"]
