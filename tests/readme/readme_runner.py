"""Run README blocks in a scratch copy of the repository and explain failures by README line."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from readme_blocks import Block

BLOCK_TIMEOUT_S = 600.0
SERVER_START_TIMEOUT_S = 60.0


@dataclass
class Failure:
    """A block that did not run clean, with what the reader needs to fix it."""

    block: Block
    message: str
    file: str = "README.md"

    def __str__(self) -> str:
        return f"{self.block.where(self.file)}: {self.message}"


def copy_repository(root: Path, dest: Path) -> Path:
    """Copy the files git knows (tracked or new, not ignored) into ``dest``; ``.venv`` becomes a symlink."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = root / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    (dest / ".venv").symlink_to(Path(sys.prefix))
    return dest


def block_env(cwd: Path | None = None) -> dict[str, str]:
    """The user's environment without Vigil's own variables (a page must not depend on them), with the copy's
    ``.venv/bin`` first on ``PATH`` (as after ``source .venv/bin/activate``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if cwd is not None:
        env["PATH"] = f"{cwd / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(cwd / ".venv")
    return env


def _command(block: Block) -> list[str]:
    if block.kind == "python":
        return [".venv/bin/python", "-c", block.text]
    return ["bash", "-c", "set -euo pipefail\n" + block.text]


def _tail(text: str, lines: int) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept) or "    (empty)"


def run_block(block: Block, cwd: Path) -> Failure | None:
    """Run one foreground block; ``None`` when it exits 0."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            _command(block), cwd=cwd, env=block_env(cwd), capture_output=True, text=True, timeout=BLOCK_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return Failure(block, f"still running after {BLOCK_TIMEOUT_S:.0f} s (a server? tag it 'background')")
    if done.returncode == 0:
        return None
    return Failure(
        block,
        f"exit {done.returncode} after {time.monotonic() - started:.1f} s, running from the repository root:\n"
        f"  block:\n{_tail(block.text, 30)}\n  stderr (last lines):\n{_tail(done.stderr, 25)}\n"
        f"  stdout (last lines):\n{_tail(done.stdout, 15)}",
    )


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Servers:
    """Background blocks started so far; :meth:`stop` ends each one's process group."""

    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, block: Block, cwd: Path) -> Failure | None:
        """Start a background block and wait until its port accepts connections."""
        port = block.port()
        if port is None:
            return Failure(block, "a background block must name its port (--port N or 127.0.0.1:N)")
        if _port_open(port):
            return Failure(block, f"port {port} is already in use on this machine; stop what listens there and rerun")
        log = cwd / f".readme-server-{block.line}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                _command(block),
                cwd=cwd,
                env=block_env(cwd),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append(proc)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                output = log.read_text(errors="replace")
                return Failure(block, f"the server exited ({proc.returncode}) before listening:\n{_tail(output, 25)}")
            if _port_open(port):
                return None
            time.sleep(0.2)
        return Failure(block, f"nothing listens on port {port} after {SERVER_START_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        """Terminate every background block (its whole process group)."""
        for proc in self.running:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.running.clear()


def save_block(block: Block, cwd: Path) -> Failure | None:
    """Write (or append) a ``write: PATH`` / ``append: PATH`` block's text to PATH under ``cwd``."""
    action, relative = block.file_target or ("", "")
    target = (cwd / relative).resolve()
    if not target.is_relative_to(cwd.resolve()):
        return Failure(block, f"{relative} is outside the repository")
    if action == "append" and not target.exists():
        return Failure(block, f"append: {relative} does not exist yet (an earlier block must create it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a" if action == "append" else "w", encoding="utf-8") as out:
        out.write(block.text)
    return None


def run_all(blocks: list[Block], cwd: Path, file: str = "README.md") -> list[Failure]:
    """Run every runnable block in order; returns the failures (all of them, not only the first)."""
    servers = Servers()
    failures: list[Failure] = []
    try:
        for block in blocks:
            if block.file_target is not None:
                failure = save_block(block, cwd)
            elif not block.runs:
                continue
            else:
                failure = servers.start(block, cwd) if block.background else run_block(block, cwd)
            if failure is not None:
                failure.file = file
                failures.append(failure)
    finally:
        servers.stop()
    return failures
