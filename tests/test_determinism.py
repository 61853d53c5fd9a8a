"""Same inputs, same bytes: two builds, in separate processes with different hash seeds and
working folders, write identical exports and an identical site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from goodpractice.pipeline.state import state_file

from .conftest import CONTENT


def build_in_subprocess(workdir: Path, seed: str) -> dict[str, bytes]:
    workdir.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "goodpractice", "build", "--content", str(CONTENT)]
    subprocess.run(command, check=True, env=env, capture_output=True, cwd=workdir)
    # Every file, but the state left for the next build (pipeline.state): no output, it names
    # the folders it describes by their inodes
    return {
        str(p.relative_to(workdir)): p.read_bytes()
        for p in sorted(workdir.rglob("*"))
        if p.is_file() and p != state_file(workdir / "build")
    }


def test_two_builds_write_the_same_bytes(tmp_path):
    first = build_in_subprocess(tmp_path / "one", "1")
    second = build_in_subprocess(tmp_path / "two", "2")
    assert sorted(first) == sorted(second)
    for name in ("build/dataset.ttl", "build/dataset.jsonld", "build/dataset.rdf",
                 "site/index.html", "site/rabat-washington/gp10/index.html",
                 "site/search/search_index.json"):  # fmt: skip
        assert name in first
    different = [name for name in first if first[name] != second[name]]
    assert different == []
