"""Benchmark the release history (issue 13): what release records cost a build.

    python bench/releases.py      # or as part of bench/run.py

- the real memorandum: `goodpractice build` in a fresh process with no release record, with
  the one record of content/releases/, and with ten records (0.1.0 … 0.10.0, each release
  adding an editorial note to one more footnote), target: ten records under 1.5 times the build
  without one;
- a release record of 1,000 practices (tests/synthetic.py): comparing the content with it (the
  whole history: reading the record, the change set, the dates) and publishing it as an
  earlier release (its data in every format, sizes and checksums), target: comparing under 5 s.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL_CONTENT = ROOT / "content"
RELEASES = 10


def build_seconds(content: Path, workdir: Path) -> tuple[float, float]:
    """`goodpractice build` in a fresh process, best of three: (wall-clock seconds, CPU seconds
    of the build and its check process; on a shared machine the steadier figure)."""
    best = None
    for _ in range(3):
        out, site = workdir / "build", workdir / "site"
        os.sync()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "goodpractice", "build", "--content", str(content),
             "--out", str(out), "--site-dir", str(site)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        best = (seconds, cpu) if best is None else (min(best[0], seconds), min(best[1], cpu))
    return best


def ten_records(content: Path) -> None:
    """Releases 0.1.0 … 0.10.0 of the real content, an editorial note more in each."""
    from goodpractice.pipeline.release import release

    shutil.rmtree(content / "releases", ignore_errors=True)
    footnotes = content / "memoranda" / "rabat-washington" / "footnotes.yaml"
    plain = [f["number"] for f in yaml.safe_load(footnotes.read_text(encoding="utf-8"))
             if "editorial_notes" not in f]  # fmt: skip
    for number in range(1, RELEASES + 1):
        if number > 1:
            text = footnotes.read_text(encoding="utf-8")
            marker = f"- number: {plain[number]}\n"
            note = f'  editorial_notes:\n    - "A note of release 0.{number}.0."\n'
            text = text.replace(marker, marker + note, 1)
            footnotes.write_text(text, encoding="utf-8")
        release(content, f"0.{number}.0", f"2026-12-{number:02d}")


def real_figures(workdir: Path) -> list[str]:
    none = workdir / "none"
    shutil.copytree(REAL_CONTENT, none)
    shutil.rmtree(none / "releases", ignore_errors=True)
    ten = workdir / "ten"
    shutil.copytree(none, ten)
    ten_records(ten)
    without = build_seconds(none, workdir)
    one = build_seconds(REAL_CONTENT, workdir)
    with_ten = build_seconds(ten, workdir)
    return [
        f"goodpractice build, the real memorandum: {without[0]:.2f} s ({without[1]:.2f} s CPU) "
        f"without a release record, {one[0]:.2f} s ({one[1]:.2f} s CPU) with content/releases/ "
        f"as it stands, {with_ten[0]:.2f} s ({with_ten[1]:.2f} s CPU) with {RELEASES} records: "
        f"{with_ten[0] / without[0]:.2f} times ({with_ten[1] / without[1]:.2f} in CPU time; "
        "target under 1.5)"
    ]


def thousand_figures(workdir: Path) -> list[str]:
    from tests.synthetic import write_corpus

    from goodpractice.content import load_content
    from goodpractice.graph import build_graph
    from goodpractice.releases import (
        contract_files,
        load_history,
        publish_history,
        recorded_lines,
        write_record,
    )

    content = write_corpus(workdir / "thousand", memoranda=50)
    loaded = load_content(content)
    base = loaded.publication.base_iri
    write_record(content, "0.1.0", "2026-11-24", base, recorded_lines(build_graph(loaded), base),
                 contract_files())  # fmt: skip
    publication = content / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(re.sub(r"(?m)^version:.*$", 'version: "0.2.0"', text), encoding="utf-8")
    loaded = load_content(content)
    graph = build_graph(loaded)
    start = time.perf_counter()
    history = load_history(loaded, graph)
    comparing = time.perf_counter() - start
    start = time.perf_counter()
    files = publish_history(graph, history).files
    publishing = time.perf_counter() - start
    lines = len(history.records[0].lines)
    return [
        f"a release record of 1,000 practices ({lines:,} triples): comparing {comparing:.2f} s "
        f"(target 5 s); publishing it as an earlier release {publishing:.2f} s "
        f"({len(files)} files, {sum(map(len, files.values())):,} bytes)"
    ]


def release_figures() -> list[str]:
    workdir = Path(tempfile.mkdtemp(prefix="gp-bench-releases-"))
    try:
        return [*real_figures(workdir), *thousand_figures(workdir)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    print("\n".join(release_figures()))
