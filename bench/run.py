"""Benchmark the pipeline on the real memorandum and on synthetic corpora (issue 6).

    python bench/run.py                                # real, 1000 and 10000 practices
    python bench/run.py --sizes real,1000              # a quicker run
    python bench/run.py --sizes 1000 --profile /tmp/p  # also cProfile each stage
    python bench/run.py --sizes 10000 --skip export,whole  # leave out stages too slow to wait for

Each size runs in a subprocess of its own so that peak memory (the kernel's high-water mark of
resident memory, VmHWM) is that size's alone. Stages are the library's plain functions, called
one after another on one model; a stage whose module does not exist yet is reported as
"not built yet". The whole build is timed separately as the user runs it: the `goodpractice`
commands in a fresh process (so it includes start-up and imports).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import inspect
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
REAL_CONTENT = ROOT / "content"
PRACTICES_PER_MEMORANDUM = 20
NOT_BUILT = "not built yet"
SKIPPED = "skipped (--skip)"

# Candidate entry points of the stages being written now, tried in order; parameters are filled
# by name (model, graph, content, content_dir, out_dir, …), so a signature change is tolerated.
VALIDATE_CANDIDATES = ("validate", "validate_model", "validate_graph")
SITE_CANDIDATES = ("build_site", "write_site")


# --------------------------------------------------------------------------------------------
# The child: one size, every stage


def peak_rss_bytes() -> int:
    """High-water mark of this process's resident memory so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def tree_size(folder: Path, suffix: str | None = None) -> tuple[int, int, int]:
    """(files, bytes, largest file) under ``folder``; only files ending in ``suffix`` if given."""
    sizes = [
        p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and (suffix is None or p.name.endswith(suffix))
    ]
    return len(sizes), sum(sizes), max(sizes, default=0)


def call_by_name(function, values: dict):
    """Call ``function`` with the values its parameters name; None if one it needs is missing."""
    kwargs = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name in values:
            kwargs[name] = values[name]
        elif parameter.default is inspect.Parameter.empty and parameter.kind not in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        ):
            return None, f"{function.__name__}{inspect.signature(function)}: no value for {name}"
    return function(**kwargs), None


def find_stage(module_name: str, candidates: tuple[str, ...]):
    try:
        module = importlib.import_module(f"goodpractice.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"goodpractice.{module_name}":
            return None
        raise
    for name in candidates:
        function = getattr(module, name, None)
        if inspect.isfunction(function) and function.__module__ == module.__name__:
            return function
    return None


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
    from goodpractice import build, content, graph

    result: dict = {"size": size}
    if size == "real":
        content_dir = REAL_CONTENT
    else:
        from goodpractice.synthetic import write_corpus

        memoranda = int(size) // PRACTICES_PER_MEMORANDUM
        start = time.perf_counter()
        content_dir = write_corpus(workdir / "content", memoranda)
        result["generate_seconds"] = time.perf_counter() - start
    result["content"] = tree_size(content_dir)
    stages = Stages(size, profile_dir, workdir / "progress.json", result)

    loaded = stages.run("load", content.load_content, content_dir)
    result["practices"] = sum(len(m.practices) for m in loaded.memoranda)

    def build_model():
        return build.Model(loaded, graph.build_graph(loaded), build.locate(loaded))

    model = stages.run("graph", build_model)
    result["triples"] = len(model.graph)

    # Validation: the fidelity check alone, then validate.py's whole check (SHACL + fidelity),
    # so that SHACL's share is the difference.
    stages.run("fidelity", build.fidelity_problems, model)
    result["fidelity_problems"] = len(build.fidelity_problems(model)) if size == "real" else None
    out = workdir / "build"
    site_dir = workdir / "site"
    values = {
        "model": model,
        "graph": model.graph,
        "content": loaded,
        "content_dir": content_dir,
        "out_dir": out,
        "out": out,
        "site_dir": site_dir,
    }
    shacl = find_stage("validate", VALIDATE_CANDIDATES)
    if shacl is None:
        stages.skip("validate", NOT_BUILT)
    else:
        report, why = stages.run("validate", call_by_name, shacl, values)
        if why:
            stages.skip("validate", why)
        else:
            result["violations"] = len(getattr(report, "violations", report or []))

    from goodpractice import export

    def exports():
        values["exports"] = export.dataset_files(model.graph)
        build.write_tree(out, values["exports"])

    if "export" in skip:
        stages.skip("export", SKIPPED)
    else:
        stages.run("export", exports)
        result["export_files"] = tree_size(out)

    site = find_stage("site", SITE_CANDIDATES)
    if "site" in skip:
        stages.skip("site", SKIPPED)
    elif site is None:
        stages.skip("site", NOT_BUILT)
    else:
        _, why = stages.run("site", call_by_name, site, values)
        if why:
            stages.skip("site", why)
        else:
            result["site_files"] = tree_size(site_dir)
            result["site_pages"] = tree_size(site_dir, ".html")
    stages.save(running="whole build")

    # The whole build as a user runs it: the CLI in a fresh process.
    result["whole"] = {"skipped": SKIPPED} if "whole" in skip else whole_build(content_dir, workdir)
    result["running"] = None
    return result


def whole_build(content_dir: Path, workdir: Path) -> dict:
    from goodpractice.cli import main

    build = ["build", "--content", str(content_dir), "--out", str(workdir / "whole-build")]
    if any("--site-dir" in p.opts for p in main.commands["build"].params):
        build += ["--site-dir", str(workdir / "whole-site")]  # absolute: written beside the rest
    commands = [build]
    if "site" in main.commands:
        site = ["site", "--content", str(content_dir)]
        if any(p.name == "out_dir" or "--out" in p.opts for p in main.commands["site"].params):
            site += ["--out", str(workdir / "whole-site")]
        commands.append(site)
    seconds, peak = 0.0, 0
    for command in commands:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "goodpractice", *command],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds += time.perf_counter() - start
        peak = max(peak, usage.ru_maxrss * 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            return {"failed": " ".join(command), "stderr": process.stderr.read().decode()[-2000:]}
    return {"seconds": seconds, "peak_rss": peak, "commands": [c[0] for c in commands]}


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
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        if process.returncode != 0:
            return {"size": size, "error": (stderr.strip().splitlines() or ["failed"])[-1]}
        return json.loads(stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        progress = workdir / "progress.json"
        result = json.loads(progress.read_text()) if progress.exists() else {"size": size}
        result["timed_out"] = f"timed out after {timeout:.0f} s in: {result.get('running')}"
        return result
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def seconds(stage: dict | None, running_stage: bool = False) -> str:
    if stage is None:
        return "timed out" if running_stage else "-"
    if "skipped" in stage:
        return stage["skipped"] if stage["skipped"] in (NOT_BUILT, SKIPPED) else "n/a"
    return f"{stage['seconds']:.2f} s"


def mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def kib(value: int) -> str:
    return f"{value / 2**10:,.0f} KiB"


def table(results: list[dict]) -> str:
    heads = [r["size"] if r["size"] == "real" else f"{int(r['size']):,} practices" for r in results]
    rows: list[tuple[str, list[str]]] = []

    def row(name: str, render) -> None:
        cells = []
        for r in results:
            try:
                cells.append("error" if "error" in r else render(r))
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
        ("site", "site"),
    ):
        row(label, lambda r, s=stage: seconds(r["stages"].get(s), r.get("running") == s))
    row(
        "sum of stages",  # fidelity runs again inside validate: counted once
        lambda r: (
            f"{sum(s.get('seconds', 0) for k, s in r['stages'].items() if k != 'fidelity' or 'seconds' not in r['stages'].get('validate', {})):.2f} s"
        ),
    )
    row("violations", lambda r: str(r["violations"]))
    row(
        "whole build (CLI, fresh process)",
        lambda r: (
            f"{r['whole']['seconds']:.2f} s ({'+'.join(r['whole']['commands'])})"
            if "seconds" in r["whole"]
            else r["whole"].get("skipped") or f"failed: {r['whole']['failed']}"
        ),
    )
    row("peak memory, stages", lambda r: mib(r["peak_rss"]))
    row("peak memory, whole build", lambda r: mib(r["whole"]["peak_rss"]))
    row(
        "files written (bytes)",
        lambda r: (
            f"{r['export_files'][0] + r.get('site_files', [0, 0])[0]:,} "
            f"({mib(r['export_files'][1] + r.get('site_files', [0, 0])[1])})"
        ),
    )
    row(
        "largest page",
        lambda r: kib(r["site_pages"][2]) if "site_pages" in r else NOT_BUILT,
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
        elif "failed" in r.get("whole", {}):
            lines.append(f"{r['size']}: whole build failed: {r['whole']['stderr']}")
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
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per size")
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
        "--skip", default="", help="comma-separated stages to leave out: export, site, whole"
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
    if args.json:
        print(json.dumps(results, indent=2))
    if args.profile:
        print(hotspots(args.profile, 12))


if __name__ == "__main__":
    main()
