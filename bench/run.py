"""Benchmark the pipeline on the real memorandum and on synthetic corpora (issue 6).

    python bench/run.py                                # real, 1000 and 10000 practices
    python bench/run.py --sizes real,1000              # a quicker run
    python bench/run.py --sizes 1000 --profile /tmp/p  # also cProfile each stage
    python bench/run.py --sizes 10000 --skip export,whole  # leave out stages too slow to wait for

Each size runs in a subprocess of its own so that peak memory (the kernel's high-water mark of
resident memory, VmHWM) is that size's alone. Stages are the library's plain functions, called
one after another on one model. Then the commands are timed as a user runs them, each in a
fresh process (start-up and imports included): `goodpractice validate`, `goodpractice build`
and, for the real memorandum, `goodpractice serve` from saving an edit to serving the new page.
Then `/sparql` of `goodpractice serve` on the built site (bench/sparql_load.py): each competency
question's latency and, for the real memorandum, 2,000 queries by 16 concurrent clients (median
and 95th percentile, every answer checked against rdflib's).
The synthetic corpora come from tests/synthetic.py: memoranda of 20 practices each. Last,
`goodpractice import` of one synthetic memorandum's text (20 practices).
Then what release records cost (bench/releases.py): the build with ten records of the real
memorandum, and comparing with a record of 1,000 practices.

Two comparisons run on their own (issue 15), each printing seconds and ratios:
    python bench/baseline.py   # build and validate side by side with a baseline commit (526b9c6
                               # by default, in a temporary git worktree): new / baseline, and
                               # the growth from 1,000 to 10,000 practices
    python bench/pylode.py     # seconds per concept against pyLODE 3.6.0 (a Python 3.12
                               # environment it sets up), with rdflib's Graph.__add__ memoised
                               # (bench/pylode_memo.py), and as released at 100 practices
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus generator is a test tool: tests/synthetic.py
REAL_CONTENT = ROOT / "content"
PRACTICES_PER_MEMORANDUM = 20
SKIPPED = "skipped (--skip)"
LEFT_TO_DELETE: list[Path] = []


# --------------------------------------------------------------------------------------------
# The child: one size, every stage


def peak_rss_bytes() -> int:
    """High-water mark of this process's resident memory so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def settle() -> None:
    """Flush what earlier stages and commands wrote before timing the next. On this machine's
    disk, writing back thousands of small files is slow: without this, a command would be
    timed waiting for the last one's files to reach the disk (the kernel makes a writer wait
    once too much is unwritten), not for its own work."""
    os.sync()


def tree_size(folder: Path, suffix: str | None = None) -> tuple[int, int, int]:
    """(files, bytes, largest file) under ``folder``; only files ending in ``suffix`` if given."""
    sizes = [
        p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and (suffix is None or p.name.endswith(suffix))
    ]
    return len(sizes), sum(sizes), max(sizes, default=0)


class Stages:
    """Times (and optionally profiles) each stage, with the peak memory after it."""

    def __init__(self, label: str, profile_dir: Path | None, progress: Path, result: dict):
        self.label = label
        self.profile_dir = profile_dir
        self.results: dict[str, dict] = {}
        # What is measured so far, kept on disk so a size that times out still reports it.
        self.progress = progress
        self.result = result
        result["stages"] = self.results

    def save(self, running: str | None = None) -> None:
        self.result["peak_rss"] = peak_rss_bytes()
        self.result["running"] = running
        self.progress.write_text(json.dumps(self.result))

    def run(self, stage: str, function, *args):
        self.save(running=stage)
        settle()
        profiler = cProfile.Profile() if self.profile_dir else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        try:
            value = function(*args)
        finally:
            if profiler:
                profiler.disable()
        seconds = time.perf_counter() - start
        self.results[stage] = {"seconds": seconds, "peak_rss": peak_rss_bytes()}
        if profiler:
            path = self.profile_dir / f"{self.label}-{stage}.prof"
            profiler.dump_stats(path)
            self.results[stage]["profile"] = str(path)
        self.save()
        return value

    def skip(self, stage: str, why: str) -> None:
        self.results[stage] = {"skipped": why}


def child(size: str, workdir: Path, profile_dir: Path | None, skip: set[str]) -> dict:
    from goodpractice import check, content, graph, staging
    from goodpractice.pipeline import model

    result: dict = {"size": size}
    if size == "real":
        content_dir = REAL_CONTENT
    else:
        from tests.synthetic import write_corpus

        memoranda = int(size) // PRACTICES_PER_MEMORANDUM
        start = time.perf_counter()
        content_dir = write_corpus(workdir / "content", memoranda)
        result["generate_seconds"] = time.perf_counter() - start
    result["content"] = tree_size(content_dir)
    stages = Stages(size, profile_dir, workdir / "progress.json", result)

    loaded = stages.run("load", content.load_content, content_dir)
    result["practices"] = sum(len(m.practices) for m in loaded.memoranda)

    def build_model():
        return model.Model(loaded, graph.build_graph(loaded), model.locate(loaded))

    built = stages.run("graph", build_model)
    result["triples"] = len(built.graph)

    # Validation: the fidelity check alone, then the whole check (SHACL + fidelity),
    # so that SHACL's share is the difference.
    stages.run("fidelity", check.fidelity_problems, built)
    result["fidelity_problems"] = len(check.fidelity_problems(built)) if size == "real" else None
    from goodpractice import export, site

    report = stages.run("validate", check.validate, built)
    result["violations"] = len(report.violations)

    out, site_dir = workdir / "build", workdir / "site"
    files = None

    def exports():  # as the build writes them: each file to disk as it is made
        staged = staging.stage_tree(out, export.iter_dataset_files(built.graph))
        staging.replace_dir(staged.root, out)
        return staging.StagedFiles(out, staged.sizes)

    if "export" in skip:
        stages.skip("export", SKIPPED)
    else:
        files = stages.run("export", exports)
        result["export_files"] = tree_size(out)
        # The Queries page's answers: the published triples into pyoxigraph, every question
        from goodpractice.iris import Iris
        from goodpractice.site.pages.queries import answered

        pub = loaded.publication
        release = Iris(pub.base_iri).release(pub.version)
        stages.run("queries", answered, out / "dataset.nt", pub.base_iri, str(release))

    if "site" in skip or "export" in skip:
        stages.skip("site", SKIPPED)
    else:
        stages.run("site", site.build_site, built.graph, site_dir, files)
        result["site_files"] = tree_size(site_dir)
        result["site_pages"] = tree_size(site_dir, ".html")
        result["largest_page"] = largest_file(site_dir, ".html")
    result["running"] = None
    return result


def commands(size: str, workdir: Path, skip: set[str]) -> dict:
    """The commands as a user runs them, each in a fresh process started from this (small)
    parent: a child forked from the process that ran the stages would inherit its peak."""
    content_dir = REAL_CONTENT if size == "real" else workdir / "content"
    result = {"validate_cli": run_command(["validate", "--content", str(content_dir)], workdir)}
    result["whole"] = {"skipped": SKIPPED} if "whole" in skip else whole_build(content_dir, workdir)
    if size == "real" and "serve" not in skip:
        result["serve"] = serve_latency(content_dir, workdir)
    if "sparql" not in skip and "seconds" in result["whole"]:  # /sparql over the build's site
        import sparql_load  # beside this file

        try:
            site_dir = workdir / "whole-site"
            result["sparql"] = sparql_load.sparql_figures(site_dir, workdir, size == "real")
        except Exception as error:  # noqa: BLE001 - reported in the table
            result["sparql"] = {"failed": f"{type(error).__name__}: {error}"}
    return result


def largest_file(folder: Path, suffix: str) -> str:
    """The path of the largest file ending in ``suffix``: which page it is tells why."""
    files = [p for p in folder.rglob(f"*{suffix}") if p.is_file()]
    return str(max(files, key=lambda p: (p.stat().st_size, str(p))).relative_to(folder))


def run_command(command: list[str], workdir: Path, python: str = sys.executable) -> dict:
    """Run ``goodpractice COMMAND`` in a fresh process of ``python`` (bench/baseline.py passes
    the baseline's environment): see ``run_process``."""
    return run_process([python, "-m", "goodpractice", *command], workdir)


def run_process(argv: list[str], workdir: Path, timeout: float | None = None) -> dict:
    """Run ``argv`` in a fresh process: wall time (start-up and imports included) and peak
    memory. The command may fork (validation runs beside the export), so memory is the peak of
    the whole process tree's proportional set size (PSS: a page shared by two processes counts
    half in each), sampled every 50 ms; ``peak_rss`` is the largest single process's
    high-water mark, as the kernel reports it. With ``timeout``, a process still running after
    that many seconds is killed (with its children) and reported as ``timed_out``."""
    settle()
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, cwd=workdir, stdout=output, stderr=errors, start_new_session=True
        )
        peak_tree = 0
        try:
            while True:
                waited, status, usage = os.wait4(process.pid, os.WNOHANG)
                if waited:
                    break
                peak_tree = max(peak_tree, tree_pss(process.pid))
                if timeout is not None and time.perf_counter() - start > timeout:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    return {"timed_out": timeout, "peak_tree": peak_tree}
                time.sleep(0.05)
        except BaseException:  # interrupted: the command (a session of its own) stops too
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            return {"failed": " ".join(argv[2:]), "stderr": errors.read().decode()[-2000:]}
        output.seek(0)
        last = output.read().decode(errors="replace").strip().splitlines()[-1:]
    return {
        "seconds": seconds,
        "peak_rss": usage.ru_maxrss * 1024,
        "peak_tree": peak_tree,
        "last_line": last[0] if last else "",
    }


def import_figure() -> str:
    """`goodpractice import` of a memorandum of 20 practices (a synthetic one: its text as the
    generator writes it, page breaks and all) in a fresh process, and the import alone."""
    from tests.synthetic import write_corpus

    from goodpractice.importer import import_memorandum

    workdir = Path(tempfile.mkdtemp(prefix="gp-bench-import-"))
    key = "synthetic-0001"
    try:
        content = write_corpus(workdir / "content", memoranda=1)
        text = workdir / f"{key}.txt"
        shutil.move(content / "source" / f"{key}.md", text)
        shutil.rmtree(content / "memoranda" / key)
        command = run_command(["import", str(text), "--id", key, "--issued", "2018"], workdir)
        if "seconds" not in command:
            return f"goodpractice import failed: {command['stderr']}"
        shutil.rmtree(content / "memoranda" / key)
        (content / "source" / f"{key}.md").unlink()
        start = time.perf_counter()
        import_memorandum(text, key, content, issued="2018")
        alone = time.perf_counter() - start
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return (
        f"goodpractice import, a memorandum of {PRACTICES_PER_MEMORANDUM} practices: "
        f"{command['seconds']:.2f} s in a fresh process, {alone:.3f} s the import alone "
        "(target 2 s)"
    )


def tree_pss(pid: int) -> int:
    """The summed PSS of a process and all its descendants, in bytes (0 once it is gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # ended between two reads
    return total


def whole_build(content_dir: Path, workdir: Path) -> dict:
    """``goodpractice build`` as a user runs it: validate, every export, the site."""
    return run_command(
        [
            "build",
            "--content",
            str(content_dir),
            "--out",
            str(workdir / "whole-build"),
            "--site-dir",
            str(workdir / "whole-site"),
        ],
        workdir,
    )


def add_editorial_note(practice: Path, note: str) -> None:
    """An editorial note added to a practice's file: its page and data change, not the
    verbatim text (so the check of the source text still passes)."""
    text = practice.read_text(encoding="utf-8")
    front, _, body = text.partition("\n---\n")
    practice.write_text(f"{front}\neditorial_notes:\n  - {note}\n---\n{body}", encoding="utf-8")


def first_practice(content: Path) -> Path:
    return sorted((content / "memoranda").glob("*/practices/*.md"))[0]


def serve_latency(
    content_dir: Path, workdir: Path, timeout: float = 60, python: str = sys.executable
) -> dict:
    """Seconds from saving an edited practice to ``goodpractice serve`` answering with the new
    text: the watcher's polling, the rebuild and the request, as a maintainer sees it."""
    import re
    import urllib.request

    content = workdir / "serve-content"
    shutil.copytree(content_dir, content)
    practice = first_practice(content)
    process = subprocess.Popen(
        [
            python,
            "-m",
            "goodpractice",
            "serve",
            "--content",
            str(content),
            "--out",
            str(workdir / "serve-build"),
            "--site-dir",
            str(workdir / "serve-site"),
            "--port",
            "0",
        ],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        line = process.stdout.readline()
        found = re.search(r"http://[^/\s]+/", line)
        if not found:
            return {"failed": f"serve did not start: {line.strip()}"}
        memo, key = practice.parent.parent.name, practice.stem.lstrip("gp").lstrip("0")
        url = f"{found.group(0)}{memo}/gp{key}/"
        marker = f"benchmark-edit-{time.time_ns()}"
        start = time.perf_counter()
        add_editorial_note(practice, marker)
        while time.perf_counter() - start < timeout:
            with urllib.request.urlopen(url) as response:
                if marker in response.read().decode("utf-8"):
                    return {"seconds": time.perf_counter() - start}
            time.sleep(0.05)
        return {"failed": f"the edit did not show within {timeout:.0f} s"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()


# --------------------------------------------------------------------------------------------
# The parent: one subprocess per size, then the table


def run_size(
    size: str, timeout: float, profile_dir: Path | None, keep: Path | None, skip: str
) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"gp-bench-{size}-", dir=keep))
    command = [sys.executable, __file__, "--child", size, "--workdir", str(workdir)]
    command += ["--skip", skip]
    if profile_dir:
        command += ["--profile", str(profile_dir)]
    # A session of its own, so that on time-out the child and the CLI it runs stop together.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    progress = workdir / "progress.json"

    def measured_so_far() -> dict:
        return json.loads(progress.read_text()) if progress.exists() else {"size": size}

    try:
        stdout, stderr = process.communicate(timeout=timeout)
        if process.returncode != 0:
            # Keep what was measured before the failure, and the end of the traceback.
            result = measured_so_far()
            result["error"] = f"failed in {result.get('running')}: " + " | ".join(
                stderr.strip().splitlines()[-3:]
            )
            return result
        result = json.loads(stdout.strip().splitlines()[-1])
        result.update(commands(size, workdir, {s for s in skip.split(",") if s}))
        return result
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        result = measured_so_far()
        result["timed_out"] = f"timed out after {timeout:.0f} s in: {result.get('running')}"
        return result
    finally:
        if keep is None:
            # Deleted once every size has run: deleting thousands of files (TRIM on this
            # machine's disk) slows the writes of whatever runs next.
            LEFT_TO_DELETE.append(workdir)


def seconds(stage: dict | None, running_stage: bool = False) -> str:
    if stage is None:
        return "timed out" if running_stage else "-"
    if "skipped" in stage:
        return stage["skipped"]
    return f"{stage['seconds']:.2f} s"


def mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def kib(value: int) -> str:
    return f"{value / 2**10:,.0f} KiB"


def table(results: list[dict]) -> str:
    import sparql_load  # beside this file: /sparql's figures

    heads = [r["size"] if r["size"] == "real" else f"{int(r['size']):,} practices" for r in results]
    rows: list[tuple[str, list[str]]] = []

    def row(name: str, render) -> None:
        cells = []
        for r in results:
            try:
                cells.append(render(r))
            except (KeyError, TypeError):
                cells.append("-")
        rows.append((name, cells))

    row(
        "memoranda / practices",
        lambda r: f"{r['practices'] // 20 if r['size'] != 'real' else 1} / {r['practices']}",
    )
    row("triples", lambda r: f"{r['triples']:,}")
    row("content files (bytes)", lambda r: f"{r['content'][0]:,} ({kib(r['content'][1])})")
    for stage, label in (
        ("load", "load content"),
        ("graph", "build graph"),
        ("fidelity", "validate: fidelity alone"),
        ("validate", "validate (SHACL + fidelity)"),
        ("export", "export (all formats, written)"),
        ("queries", "Queries page: answers (load + queries)"),
        ("site", "site"),
    ):
        row(label, lambda r, s=stage: seconds(r["stages"].get(s), r.get("running") == s))
    row(
        "sum of stages",  # fidelity runs again inside validate, queries inside site: once
        lambda r: (
            f"{sum(s.get('seconds', 0) for k, s in r['stages'].items() if k != 'queries' and (k != 'fidelity' or 'seconds' not in r['stages'].get('validate', {}))):.2f} s"
        ),
    )
    row("violations", lambda r: str(r["violations"]))

    def command(key: str):
        def render(r: dict) -> str:
            done = r[key]
            if "seconds" in done:
                return f"{done['seconds']:.2f} s"
            return done.get("skipped") or f"failed: {done['failed']}"

        return render

    row("goodpractice validate (fresh process)", command("validate_cli"))
    row("goodpractice build (fresh process)", command("whole"))
    row("serve: an edit shown after", lambda r: command("serve")(r) if "serve" in r else "-")
    row("/sparql: slowest question (median of 5)", lambda r: sparql_load.slowest(r["sparql"]))
    row("/sparql: queries by clients (real)", lambda r: sparql_load.under_load(r["sparql"]))
    row("peak memory, stages in one process", lambda r: mib(r["peak_rss"]))
    row(
        "peak memory, goodpractice build (all processes)",
        lambda r: mib(r["whole"]["peak_tree"]),
    )
    row("  largest single process", lambda r: mib(r["whole"]["peak_rss"]))
    row(
        "peak memory, goodpractice validate (all processes)",
        lambda r: mib(r["validate_cli"]["peak_tree"]),
    )
    row(
        "files written (bytes)",
        lambda r: (
            f"{r['export_files'][0] + r.get('site_files', [0, 0])[0]:,} "
            f"({mib(r['export_files'][1] + r.get('site_files', [0, 0])[1])})"
        ),
    )
    row(
        "largest page",
        lambda r: (
            f"{r['site_pages'][2]:,} bytes ({r['largest_page']})" if "site_pages" in r else "-"
        ),
    )
    width = max(len(name) for name, _ in rows)
    widths = [max(len(h), *(len(cells[i]) for _, cells in rows)) for i, h in enumerate(heads)]
    lines = [
        " | ".join(
            ["stage".ljust(width), *(h.rjust(w) for h, w in zip(heads, widths, strict=True))]
        ),
        "-|-".join(["-" * width, *("-" * w for w in widths)]),
    ]
    for name, cells in rows:
        lines.append(
            " | ".join(
                [name.ljust(width), *(c.rjust(w) for c, w in zip(cells, widths, strict=True))]
            )
        )
    for r in results:
        if "error" in r:
            lines.append(f"{r['size']}: {r['error']}")
        elif "timed_out" in r:
            lines.append(f"{r['size']}: {r['timed_out']}")
        for key in ("validate_cli", "whole", "serve"):
            if "stderr" in r.get(key, {}):
                lines.append(f"{r['size']}: {r[key]['failed']} failed: {r[key]['stderr']}")
    return "\n".join(lines)


def hotspots(profile_dir: Path, limit: int) -> str:
    out = io.StringIO()
    for path in sorted(profile_dir.glob("*.prof")):
        out.write(f"\n=== {path.stem} (top {limit} by own time) ===\n")
        stats = pstats.Stats(str(path), stream=out)
        stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="real,1000,10000",
        help="comma-separated: 'real' and/or numbers of practices (multiples of 20)",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds allowed for the stages of one size"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write a cProfile file per stage and size here, and print hotspots",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep each size's corpus and outputs under this folder",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated stages to leave out: export, site, whole, serve, sparql, import, "
        "releases",
    )
    parser.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        skip = {s for s in args.skip.split(",") if s}
        print(json.dumps(child(args.child, args.workdir, args.profile, skip)))
        return
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes.split(","):
        print(f"running {size} …", file=sys.stderr, flush=True)
        results.append(run_size(size.strip(), args.timeout, args.profile, args.keep, args.skip))
    print(table(results))
    if "import" not in args.skip.split(","):
        print(import_figure())
    if "releases" not in args.skip.split(","):
        from bench.releases import release_figures  # issue 13: what release records cost

        print("\n".join(release_figures()))
    for workdir in LEFT_TO_DELETE:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    if args.profile:
        print(hotspots(args.profile, 12))


if __name__ == "__main__":
    main()
