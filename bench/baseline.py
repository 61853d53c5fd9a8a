"""The commands side by side with a baseline commit's, in one run (issue 15).

    python bench/baseline.py                          # 526b9c6 against the work tree, 1000 and 10000
    python bench/baseline.py --sizes 1000 --repeat 3  # quicker, one size, three runs each
    python bench/baseline.py --baseline HEAD~3 --sizes real,1000 --skip serve

The baseline commit is checked out with ``git worktree add`` into a temporary folder (removed
at the end, with its worktree entry: nothing else of the repository's git state is touched),
and gets a virtual environment of its own (``--system-site-packages``, then ``pip install
--no-deps -e`` of that checkout), so that it runs its own code on the same libraries. Then, at
each size, on the same content (tests/synthetic.py, as bench/run.py makes it):
``goodpractice build`` and ``goodpractice validate`` are each timed in fresh processes,
baseline and current alternating (base, new, base, new, …), with the peak memory of all their
processes (bench/run.py's ``run_command``); the medians are reported, with the ratio
new / baseline and the growth from 1,000 to 10,000 practices of each. The first two builds'
outputs are compared file by file (they should be the same bytes). ``goodpractice serve``: a
saved edit shown after (once each, at the real memorandum and 1,000 practices unless
``--serve-sizes`` says otherwise).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))  # tests/synthetic.py
sys.path.insert(0, str(BENCH))  # run.py beside this file

import run  # noqa: E402 - bench/run.py: run_command, serve_latency, mib

DEFAULT_BASELINE = "526b9c6"  # main at the start of issue 15
TARGETS = {
    "build": "new <= 0.5 x baseline at 1,000 and 10,000; peak memory no higher",
    "validate": "10,000 practices under 20 s",
    "serve": "under 1 s (real), 3 s (1,000), 10 s (10,000)",
}
SERVE_TARGET = {"real": 1.0, "1000": 3.0, "10000": 10.0}


# --------------------------------------------------------------------------------------------
# The baseline's checkout and environment


class Baseline:
    """A temporary worktree of ``commit`` with a virtual environment that runs it."""

    def __init__(self, commit: str, folder: Path):
        self.commit = commit
        self.folder = folder
        self.src = folder / "src"
        self.venv = folder / "venv"
        self.python = str(self.venv / "bin" / "python")

    def __enter__(self) -> Baseline:
        git = ["git", "-C", str(ROOT)]
        self.sha = subprocess.run(
            [*git, "rev-parse", "--verify", f"{self.commit}^{{commit}}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        quiet = {"check": True, "stdout": subprocess.DEVNULL}
        try:
            subprocess.run([*git, "worktree", "add", "--detach", str(self.src), self.sha], **quiet)
            venv = [sys.executable, "-m", "venv", "--system-site-packages", self.venv]
            subprocess.run(venv, **quiet)
            pip = [self.python, "-m", "pip", "install", "-q", "--no-deps", "-e", str(self.src)]
            subprocess.run(pip, **quiet)
            self.check_imports(self.python, self.src)
            self.check_imports(sys.executable, ROOT)
        except BaseException:  # stopped or failed while setting up: nothing is left behind
            self.__exit__()
            raise
        return self

    @staticmethod
    def check_imports(python: str, checkout: Path) -> None:
        """Stop unless ``python -m goodpractice`` runs the code of ``checkout``."""
        where = subprocess.run(
            [python, "-c", "import goodpractice; print(goodpractice.__file__)"],
            check=True,
            capture_output=True,
            text=True,
            cwd=tempfile.gettempdir(),
        ).stdout.strip()
        if not Path(where).resolve().is_relative_to((checkout / "src").resolve()):
            sys.exit(f"{python} imports goodpractice from {where}, not from {checkout}/src")

    def __exit__(self, *exc) -> None:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(self.src)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], stderr=subprocess.DEVNULL)


# --------------------------------------------------------------------------------------------
# Measuring


def content_for(size: str, workdir: Path) -> Path:
    if size == "real":  # a copy: the benchmark edits it
        return Path(shutil.copytree(run.REAL_CONTENT, workdir / "content"))
    from tests.synthetic import write_corpus

    return write_corpus(workdir / "content", int(size) // run.PRACTICES_PER_MEMORANDUM)


def same_bytes(old: Path, new: Path) -> str:
    """Whether two output folders hold the same files with the same bytes."""

    def sums(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    a, b = sums(old), sums(new)
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    if not differ:
        return f"same bytes ({len(a):,} files)"
    shown = ", ".join(differ[:10]) + (", …" if len(differ) > 10 else "")
    return f"{len(differ):,} of {len(a.keys() | b.keys()):,} files differ: {shown}"


def alternate(sides: dict[str, str], repeat: int, command) -> dict[str, list[dict]]:
    """Run ``command(side, python, i)`` for each side in turn, ``repeat`` rounds."""
    runs: dict[str, list[dict]] = {side: [] for side in sides}
    for i in range(repeat):
        for side, python in sides.items():
            print(f"  {side} #{i + 1} …", file=sys.stderr, flush=True)
            runs[side].append(command(side, python, i))
    return runs


def summary(runs: list[dict]) -> dict:
    done = [r for r in runs if "seconds" in r]
    if len(done) < len(runs):
        failed = next(r for r in runs if "seconds" not in r)
        return {"failed": failed.get("failed"), "stderr": failed.get("stderr", "")}
    return {
        "seconds": statistics.median(r["seconds"] for r in done),
        "all": [round(r["seconds"], 2) for r in done],
        "peak_tree": statistics.median(r["peak_tree"] for r in done),
    }


def measure_size(size: str, sides: dict[str, str], args, workdir: Path) -> dict:
    content = content_for(size, workdir)
    result: dict = {"size": size}

    def build(side: str, python: str, i: int) -> dict:
        out, site = workdir / f"{side}-{i}-build", workdir / f"{side}-{i}-site"
        command = ["build", "--content", str(content), "--out", str(out), "--site-dir", str(site)]
        return run.run_command(command, workdir, python)

    def validate(side: str, python: str, i: int) -> dict:
        return run.run_command(["validate", "--content", str(content)], workdir, python)

    result["build"] = {s: summary(r) for s, r in alternate(sides, args.repeat, build).items()}
    if all("seconds" in result["build"][s] for s in sides) and not args.no_compare:
        result["outputs"] = "; ".join(
            f"{kind}: {same_bytes(workdir / f'baseline-0-{kind}', workdir / f'new-0-{kind}')}"
            for kind in ("build", "site")
        )
    runs = alternate(sides, args.repeat, validate)
    result["validate"] = {s: summary(r) for s, r in runs.items()}
    if all("seconds" in result["build"][s] for s in sides):
        # One practice edited, then each side builds over its first build's output (the
        # baseline makes everything again; the new code only what changed)
        practice = run.first_practice(content)
        text = practice.read_text(encoding="utf-8")
        run.add_editorial_note(practice, "A benchmark's editorial note.")
        result["rebuild"] = {s: summary([build(s, python, 0)]) for s, python in sides.items()}
        practice.write_text(text, encoding="utf-8")  # as it was, for serve's own edit
        if not args.no_compare:
            result["rebuilt outputs"] = "; ".join(
                f"{kind}: {same_bytes(workdir / f'baseline-0-{kind}', workdir / f'new-0-{kind}')}"
                for kind in ("build", "site")
            )
    if size in args.serve_sizes.split(",") and "serve" not in args.skip:
        result["serve"] = {}
        for side, python in sides.items():
            print(f"  serve, {side} …", file=sys.stderr, flush=True)
            folder = workdir / f"serve-{side}"
            folder.mkdir()
            result["serve"][side] = run.serve_latency(content, folder, args.serve_timeout, python)
    return result


# --------------------------------------------------------------------------------------------
# The report


def cell(figure: dict) -> str:
    if "seconds" not in figure:
        return f"failed: {figure.get('failed')}"
    runs = figure.get("all")
    return f"{figure['seconds']:.2f} s" + (f" {runs}" if runs and len(runs) > 1 else "")


def ratio(new: dict, old: dict, key: str = "seconds") -> str:
    if key in new and key in old and old[key]:
        return f"{new[key] / old[key]:.2f}"
    return "-"


def report(results: list[dict], sha: str) -> str:
    lines = [f"baseline {sha[:7]} against the work tree (new); medians, each run in brackets"]
    for r in results:
        head = r["size"] if r["size"] == "real" else f"{int(r['size']):,} practices"
        lines.append(f"\n== {head}")
        for command in ("build", "validate"):
            old, new = r[command]["baseline"], r[command]["new"]
            lines.append(
                f"goodpractice {command}: baseline {cell(old)}, new {cell(new)}, "
                f"new/baseline {ratio(new, old)}"
            )
            if "peak_tree" in old and "peak_tree" in new:
                lines.append(
                    f"  peak memory (all processes): baseline {run.mib(old['peak_tree'])}, "
                    f"new {run.mib(new['peak_tree'])}, new/baseline "
                    f"{ratio(new, old, 'peak_tree')}"
                )
            for side, figure in (("baseline", old), ("new", new)):
                if "stderr" in figure:
                    lines.append(f"  {side} failed: {figure['stderr'][-600:]}")
        if "outputs" in r:
            lines.append(f"outputs of the first build of each: {r['outputs']}")
        if "rebuild" in r:
            old, new = r["rebuild"]["baseline"], r["rebuild"]["new"]
            lines.append(
                f"goodpractice build over the first build's output, one practice edited: "
                f"baseline {cell(old)}, new {cell(new)}, new/baseline {ratio(new, old)}"
            )
        if "rebuilt outputs" in r:
            lines.append(f"outputs of those builds: {r['rebuilt outputs']}")
        for side, figure in r.get("serve", {}).items():
            shown = f"{figure['seconds']:.2f} s" if "seconds" in figure else figure["failed"]
            target = SERVE_TARGET.get(r["size"])
            lines.append(
                f"goodpractice serve, a saved edit shown after ({side}): {shown}"
                + (f" (target {target:g} s)" if target and side == "new" else "")
            )
    sizes = {r["size"]: r for r in results}
    if "1000" in sizes and "10000" in sizes:
        lines.append("\n== growth, 10,000 / 1,000 practices")
        for command in ("build", "validate"):
            for side in ("baseline", "new"):
                small, large = sizes["1000"][command][side], sizes["10000"][command][side]
                lines.append(
                    f"goodpractice {command} ({side}): time {ratio(large, small)}, "
                    f"peak memory {ratio(large, small, 'peak_tree')}"
                )
    lines.append("\ntargets: " + "; ".join(f"{k}: {v}" for k, v in TARGETS.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="the commit to compare with")
    parser.add_argument("--sizes", default="1000,10000", help="'real' and/or numbers of practices")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command and side")
    parser.add_argument("--serve-sizes", default="real,1000", help="sizes to time serve at")
    parser.add_argument("--serve-timeout", type=float, default=120)
    parser.add_argument("--skip", default="", help="'serve' to leave it out")
    parser.add_argument("--no-compare", action="store_true", help="do not compare the outputs")
    parser.add_argument("--keep", type=Path, help="keep corpora and outputs under this folder")
    args = parser.parse_args()

    # Stopped (Ctrl-C, or kill PID even when started in the background), the worktree is still
    # removed.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    folder = Path(tempfile.mkdtemp(prefix="gp-bench-baseline-"))
    start = time.perf_counter()
    results = []
    with Baseline(args.baseline, folder) as baseline:
        sides = {"baseline": baseline.python, "new": sys.executable}
        for size in (s.strip() for s in args.sizes.split(",")):
            print(f"running {size} …", file=sys.stderr, flush=True)
            workdir = Path(tempfile.mkdtemp(prefix=f"gp-bench-base-{size}-", dir=args.keep))
            if args.keep is None:
                # Deleted at the end, as bench/run.py does: deleting thousands of files slows
                # the writes of whatever runs next.
                run.LEFT_TO_DELETE.append(workdir)
            results.append(measure_size(size, sides, args, workdir))
            # Each size's figures as soon as they are in (a later size may take long).
            print(report(results[-1:], baseline.sha), file=sys.stderr, flush=True)
        print(report(results, baseline.sha))
    for workdir in run.LEFT_TO_DELETE:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"(the whole comparison took {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
