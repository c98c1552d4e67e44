"""The web-archive world's own tools, run as real processes: pywb (``wb-manager``, ``wayback``) and
``wacz validate``, from the separate environment ``make tools`` installs (``.venv-tools``).

Tests that need them call :func:`require_tools`, which skips with one line when they are absent.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import PROJECT_ROOT, free_port

TOOLS_BIN = Path(os.environ.get("BANTIN_ARCHIVE_TOOLS", PROJECT_ROOT / ".venv-tools" / "bin"))
START_WAIT = 60.0  # seconds pywb may take to answer its first request (gevent start-up, indexing)


def require_tools() -> None:
    """Skip the calling test (one line) unless pywb and wacz are installed."""
    if not (TOOLS_BIN / "wayback").exists() or not (TOOLS_BIN / "wacz").exists():
        pytest.skip(f"pywb and wacz are not installed in {TOOLS_BIN}: run `make tools`")


def tool(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run one of the tools (``wb-manager``, ``wacz``…) and capture its output as text."""
    return subprocess.run([str(TOOLS_BIN / name), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    """``wacz validate -f PATH``: exit status 0 when the package is a valid WACZ."""
    return tool("wacz", "validate", "-f", str(path))


def build_collection(root: Path, name: str, files: list[Path]) -> None:
    """A pywb collection ``name`` under ``root`` holding ``files`` (WARC, ARC or WACZ), indexed.

    pywb takes a WACZ only unpacked (``--unpack-wacz``): its WARC files and its own index."""
    packages = [str(f.resolve()) for f in files if f.suffix == ".wacz"]
    warcs = [str(f.resolve()) for f in files if f.suffix != ".wacz"]
    calls = [("init", name)] + [("add", name, *warcs)] * bool(warcs) + \
        [("add", "--unpack-wacz", name, *packages)] * bool(packages)
    for args in calls:
        done = tool("wb-manager", *args, cwd=root)
        assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]


@contextmanager
def wayback(root: Path, probe_collection: str):
    """pywb's ``wayback`` serving the collections under ``root`` on 127.0.0.1; yields its base URL
    (``http://127.0.0.1:PORT``). Ready once the CDX API of ``probe_collection`` answers."""
    port = free_port()
    log = open(root / "wayback.log", "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen([str(TOOLS_BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port),
                                "-d", str(root)], cwd=root, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, f"{base}/{probe_collection}/cdx?url=example.com&limit=1", root)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(process: subprocess.Popen, url: str, root: Path) -> None:
    """Poll ``url`` until it answers; fail with pywb's log if the process ends or never answers."""
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("wayback ended: " + (root / "wayback.log").read_text()[-2000:])
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("wayback did not answer: " + (root / "wayback.log").read_text()[-2000:])
