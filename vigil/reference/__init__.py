"""Reference pages generated from the code: the CLI from its argparse parsers, the spec files from their models.

The documentation site builds them at build time (``docs/hooks/reference.py``), so they cannot go stale.

>>> from vigil.reference import cli_reference, spec_reference
>>> "## `vigil check`" in cli_reference()
True
>>> "alarms/*.yaml" in spec_reference()
True
"""

from __future__ import annotations

from vigil.reference.cli import cli_reference
from vigil.reference.spec import spec_reference

__all__ = ["cli_reference", "spec_reference"]
