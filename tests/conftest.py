"""Shared fixtures: the real content, a private copy of it to break, and the model built from it."""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from goodpractice.pipeline import load_model

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SOURCE = CONTENT / "source" / "rabat-washington-good-practices.md"
BASE = "https://w3id.org/gctf-good-practices/"
MEMO = BASE + "rabat-washington"


@pytest.fixture(scope="session")
def model():
    """The real memorandum, loaded and built once for the whole session (read-only)."""
    return load_model(CONTENT)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working folder holding a copy of content/, made the current directory so that
    messages name files as a maintainer would see them: content/…"""
    shutil.copytree(CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def collector_at_load(monkeypatch) -> list[bool]:
    """Whether Python's garbage collector was on at each ``pipeline.load_model`` call (the
    start of every build and check), in order."""
    import gc

    from goodpractice import pipeline

    seen: list[bool] = []
    load_model = pipeline.load_model

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        return load_model(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_model", recording)
    return seen


@pytest.fixture
def runner():
    return CliRunner()


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a content file, insisting that ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real memorandum built once for the session, exports and site, through the pipeline
    (validation included), into a private folder. Returns the site folder (build/ beside it)."""
    from goodpractice import pipeline

    root = tmp_path_factory.mktemp("built")
    pipeline.build(CONTENT, root / "build", site_dir=root / "site")
    return root / "site"


@pytest.fixture(scope="session")
def out(built_site) -> Path:
    """The exports of the session's build (build/ beside the site)."""
    return built_site.parent / "build"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_serve(root: Path, *options: str, ready: Callable[[str], bool]) -> Iterator[tuple]:
    """`goodpractice serve` on a copy of content/ in ``root``, as a process on a free port, once
    ``ready(url)`` says it answers; yields (url, log). Stopped on the way out."""
    shutil.copytree(CONTENT, root / "content")
    port = free_port()
    log = open(root / "serve.log", "w+", encoding="utf-8")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "goodpractice", "serve", "--content", str(root / "content"),
         "--out", str(root / "build"), "--site-dir", str(root / "site"), "--port", str(port),
         "--interval", "0.2", *options],
        stdout=log, stderr=subprocess.STDOUT, cwd=root,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"goodpractice serve stopped:\n{log.read()}")
            try:
                if ready(url):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("goodpractice serve did not answer within 120 s")
            time.sleep(0.3)
        yield url, log
    finally:
        stop(process, 10)
        log.close()


def stop(process: subprocess.Popen, seconds: float) -> None:
    """Ask a server process to end; kill it if it has not within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def http_get(port: int, path: str, headers: dict) -> tuple[int, dict, bytes]:
    """A GET to a server on this machine: status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body
