"""The region of a stack, read before the stack is planned (the account to plan for comes from that region).

Loading and planning the stack is :func:`vigil.plan.stack.load_stack_plan`, the one entry point.
"""

from __future__ import annotations

from pathlib import Path

from vigil.verify.errors import VerifyError


def stack_region(root: str | Path, stack: str) -> str:
    """The stack's ``aws:region`` (us-east-1 when unset), read without validating the whole project."""
    import yaml

    path = Path(root) / "stacks" / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise VerifyError(f"{path}: no such stack file; stacks are stacks/Pulumi.<NAME>.yaml")
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    return str(config.get("aws:region", "us-east-1"))
