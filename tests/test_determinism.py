"""Same inputs, same bytes: two builds, in separate processes with different hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import CONTENT


def build_in_subprocess(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "goodpractice",
            "build",
            "--content",
            str(CONTENT),
            "--out",
            str(out),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_builds_write_the_same_bytes(tmp_path):
    first = build_in_subprocess(tmp_path / "one", "1")
    second = build_in_subprocess(tmp_path / "two", "2")
    assert sorted(first) == sorted(second)
    assert "dataset.ttl" in first and "dataset.jsonld" in first and "dataset.rdf" in first
    different = [name for name in first if first[name] != second[name]]
    assert different == []
