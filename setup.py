"""Package layout only; the metadata is in pyproject.toml.

The repository keeps its Pulumi components at the top (``components/``, see DESIGN.md) and they install as
``vigil.components``: a ``package_dir`` mapping, so no symlink (which Windows checkouts and some sdist tools do
not keep) and no top-level ``components`` package in site-packages. Tested from the sdist and the wheel
(tests/packaging/test_wheel.py). Namespace packages are found too: data folders such as
``vigil/spec/data`` have no ``__init__.py``.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["vigil", "vigil.*"], exclude=["*.__pycache__"]), "vigil.components"],
    package_dir={"": ".", "vigil.components": "components"},
)
