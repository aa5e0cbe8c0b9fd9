"""Where a new project installs Vigil from: ``vigil init --vigil-source PATH|VCS URL|VERSION``.

The project's ``requirements.txt`` (which its CI workflow installs) names ``vigil-monitoring`` with the Pulumi
extra from one of three sources:

- a local directory (a clone of Vigil): ``vigil-monitoring[pulumi] @ file:///abs/path``;
- a VCS URL (``git+https://...``, optionally ``@<tag or commit>``): ``vigil-monitoring[pulumi] @ git+https://...``;
- a version on a package index (``0.1.0``): ``vigil-monitoring[pulumi]==0.1.0``.

Without ``--vigil-source`` the default is what created the project: the directory of an editable or local
install, the VCS URL and commit of a VCS install, or else the installed version.

>>> requirement(VigilSource.parse("0.1.0"))
'vigil-monitoring[pulumi]==0.1.0'
>>> requirement(VigilSource.parse("git+https://github.com/example/vigil@v0.1.0"))
'vigil-monitoring[pulumi] @ git+https://github.com/example/vigil@v0.1.0'
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from vigil.init.errors import InitError

DISTRIBUTION = "vigil-monitoring"
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*([abc]|rc|\.post|\.dev)?[0-9]*$")
_VCS = re.compile(r"^(git|hg|svn|bzr)\+[a-z]+://\S+$")


@dataclass(frozen=True)
class VigilSource:
    """One place to install Vigil from: ``kind`` is ``path``, ``vcs`` or ``version``; ``value`` what it names."""

    kind: Literal["path", "vcs", "version"]
    value: str

    @classmethod
    def parse(cls, text: str, base: Path | None = None) -> VigilSource:
        """Read ``--vigil-source``: a version, a VCS URL, or a directory that holds Vigil's ``pyproject.toml``."""
        text = text.strip()
        if _VERSION.fullmatch(text):
            return cls("version", text)
        if _VCS.fullmatch(text):
            return cls("vcs", text)
        path = Path(text).expanduser()
        path = (base or Path.cwd()) / path if not path.is_absolute() else path
        if (path / "pyproject.toml").is_file() and DISTRIBUTION in (path / "pyproject.toml").read_text("utf-8"):
            return cls("path", str(path.resolve()))
        raise InitError(
            f"--vigil-source '{text}': give a version (0.1.0), a VCS URL (git+https://host/owner/vigil@v0.1.0) "
            "or the directory of a Vigil clone (it holds the pyproject.toml of vigil-monitoring)"
        )


def requirement(source: VigilSource) -> str:
    """The ``requirements.txt`` line that installs Vigil with its Pulumi components from ``source``."""
    if source.kind == "version":
        return f"{DISTRIBUTION}[pulumi]=={source.value}"
    if source.kind == "vcs":
        return f"{DISTRIBUTION}[pulumi] @ {source.value}"
    return f"{DISTRIBUTION}[pulumi] @ {Path(source.value).as_uri()}"


def installed_source() -> VigilSource:
    """Where the running Vigil came from (PEP 610's ``direct_url.json``), else its installed version."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return _checkout_or("0.1.0")
    raw = dist.read_text("direct_url.json")
    if not raw:  # an index install, or metadata a build left in a clone (egg-info): the clone wins
        return _checkout_or(dist.version)
    direct = json.loads(raw)
    url = str(direct.get("url", ""))
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return VigilSource("vcs", f"{vcs.get('vcs', 'git')}+{url}" + (f"@{commit}" if commit else ""))
    if "dir_info" in direct:
        return _checkout_or(dist.version, unquote(urlparse(url).path))
    return VigilSource("version", dist.version)


def _checkout_or(version: str, recorded: str | None = None) -> VigilSource:
    """The clone this code runs from (an editable install may have moved), else ``recorded``, else ``version``."""
    here = Path(__file__).resolve().parents[2]
    for candidate in (here, Path(recorded) if recorded else None):
        pyproject = candidate / "pyproject.toml" if candidate is not None else None
        if pyproject is not None and pyproject.is_file() and DISTRIBUTION in pyproject.read_text("utf-8"):
            return VigilSource("path", str(candidate))
    return VigilSource("version", version)
