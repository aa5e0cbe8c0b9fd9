"""Headless Chromium (the distribution's package) driven over the DevTools protocol with websocket-client.

Nothing is downloaded at run time: the browser is Debian's ``chromium``; the fixture installs it with apt-get
when it is missing and the tests run as root, and skips with the reason otherwise.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
]


def find_or_install_chromium() -> tuple[str | None, str]:
    """The browser's path, or None and why it could not be had."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found, ""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return (
            None,
            "chromium is not installed and apt-get cannot run here (not root or no apt): apt-get install chromium",
        )
    with open(Path(tempfile.gettempdir()) / "vigil-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers install once
        if not shutil.which("chromium"):
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
                result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
                if result.returncode != 0:
                    return None, f"{' '.join(command)} failed: {result.stderr.strip()[-300:]}"
    found = shutil.which("chromium")
    return found, "" if found else "apt-get installed chromium but it is not on PATH"


@dataclass
class PageReport:
    """What loading a page produced."""

    images: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    title: str = ""


class Browser:
    """One headless Chromium process and a DevTools session on its first page."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            pages = [t for t in json.load(response) if t["type"] == "page"]
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its result, keeping the events that arrive meanwhile."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        """Wait for one DevTools event."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv()))

    def close(self) -> None:
        """Close the session and end the process (terminate, then kill)."""
        with contextlib.suppress(Exception):
            self.call("Browser.close")
        with contextlib.suppress(Exception):
            self.ws.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def browser(executable: str) -> Iterator[Browser]:
    """A fresh profile and browser, always cleaned up."""
    with tempfile.TemporaryDirectory(prefix="vigil-chromium-") as profile:
        session = Browser(executable, Path(profile))
        try:
            yield session
        finally:
            session.close()


def load(session: Browser, url: str, screenshot: Path, width: int = 1440, height: int = 1000) -> PageReport:
    """Open ``url``, wait for load, list images and console/network errors, save a full-page screenshot."""
    for domain in ("Page", "Runtime", "Log"):
        session.call(f"{domain}.enable")
    session.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
    session.call("Page.navigate", url=url)
    session.wait_for("Page.loadEventFired")
    probe = "JSON.stringify({title: document.title, images: Array.from(document.images).map(i => ({src: i.src, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))})"
    value = json.loads(session.call("Runtime.evaluate", expression=probe, returnByValue=True)["result"]["value"])
    errors = []
    for event in session.events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            errors.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(f"console.{params['type']}: {params.get('args')}")
        elif event.get("method") == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    metrics = session.call("Page.getLayoutMetrics")["cssContentSize"]
    shot = session.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(int(metrics["height"]), 16000), "scale": 1},
    )
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    return PageReport(value["images"], errors, value["title"])
