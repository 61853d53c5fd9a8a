"""The build against pyLODE (issue 15): seconds per concept, ours and pyLODE's, on the same data.

    python bench/pylode.py                          # 100, 300 and 1000 practices, then released
    python bench/pylode.py --sizes 1000 --skip-released
    python bench/pylode.py --setup-only             # make the Python 3.12 environment, no more

pyLODE 3.6.0 needs Python 3.12: this script makes (once; later runs reuse it) a virtual
environment of pyenv's 3.12 (``~/.pyenv/versions/3.12*/bin/python -m venv``) in
~/.cache/goodpractice-bench/pylode-3.12 (``--cache``) and installs pylode==3.6.0 and
kurra==3.0.5 into it; if something cannot be had, it says exactly what and stops. Then, at each
size, on a synthetic corpus (tests/synthetic.py, as bench/run.py makes it): ``goodpractice
build`` in a fresh process (every export and every page written), then pyLODE's VocPub profile
on the dataset.ttl that build wrote, with rdflib's Graph.__add__ memoised (bench/pylode_memo.py:
"patched pyLODE", one HTML page), alternating ``--repeat`` times; medians. Concepts are the
dataset's skos:Concept resources. Last, pyLODE as released (no memo) at the smallest size, given
``--released-limit`` seconds (900) at most: it is slow; ``--skip-released`` leaves it out.
"""

from __future__ import annotations

import argparse
import glob
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))  # tests/synthetic.py
sys.path.insert(0, str(BENCH))  # run.py beside this file

import run  # noqa: E402 - bench/run.py: run_process, run_command, mib

PACKAGES = ["pylode==3.6.0", "kurra==3.0.5"]
CACHE = Path.home() / ".cache" / "goodpractice-bench" / "pylode-3.12"
CONCEPT_TYPE = (
    b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    b"<http://www.w3.org/2004/02/skos/core#Concept> ."
)
TARGET = 0.5  # ours per concept at most half of patched pyLODE's, at 1,000 practices


def environment(cache: Path) -> str:
    """The Python of a 3.12 environment with pyLODE and kurra, made if it is not there yet."""
    python = cache / "bin" / "python"
    check = "import importlib.metadata as m; print(m.version('pylode'), m.version('kurra'))"
    wanted = " ".join(p.split("==")[1] for p in PACKAGES)
    if python.exists():
        found = subprocess.run([python, "-c", check], capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == wanted:
            return str(python)
        shutil.rmtree(cache)
    pythons = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.12*/bin/python")))
    if not pythons:
        sys.exit("cannot set up pyLODE: no Python 3.12 at ~/.pyenv/versions/3.12*/bin/python")
    cache.parent.mkdir(parents=True, exist_ok=True)
    print(f"setting up {cache} with {pythons[-1]} …", file=sys.stderr, flush=True)
    made = subprocess.run([pythons[-1], "-m", "venv", cache], capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(f"cannot set up pyLODE: {pythons[-1]} -m venv {cache}: {made.stderr.strip()}")
    pip = subprocess.run(
        [python, "-m", "pip", "install", "-q", *PACKAGES], capture_output=True, text=True
    )
    if pip.returncode != 0:
        errors = [line for line in pip.stderr.splitlines() if line.startswith("ERROR")]
        shutil.rmtree(cache, ignore_errors=True)
        sys.exit(f"cannot install {' '.join(PACKAGES)}: " + " | ".join(errors or ["pip failed"]))
    return str(python)


def concepts(dataset_nt: Path) -> int:
    """The skos:Concept resources of a dataset, from its N-Triples (one triple a line)."""
    with dataset_nt.open("rb") as lines:
        return sum(1 for line in lines if line.rstrip().endswith(CONCEPT_TYPE))


def median(runs: list[dict]) -> dict:
    done = [r for r in runs if "seconds" in r]
    if len(done) < len(runs):
        return next(r for r in runs if "seconds" not in r)
    return {
        "seconds": statistics.median(r["seconds"] for r in done),
        "all": [round(r["seconds"], 2) for r in done],
        "peak_tree": statistics.median(r["peak_tree"] for r in done),
        "inside": [json.loads(r["last_line"]) for r in done if r["last_line"].startswith("{")],
    }


def pylode(python: str, dataset: Path, html: Path, memo: bool, timeout=None) -> dict:
    argv = [python, str(BENCH / "pylode_memo.py"), str(dataset), str(html)]
    return run.run_process(argv + (["--memo"] if memo else []), html.parent, timeout)


def measure(size: int, python: str, repeat: int, workdir: Path) -> dict:
    from tests.synthetic import write_corpus

    content = write_corpus(workdir / "content", size // run.PRACTICES_PER_MEMORANDUM)
    ours, patched = [], []
    for i in range(repeat):
        print(f"  {size}: goodpractice build #{i + 1} …", file=sys.stderr, flush=True)
        out, site = workdir / f"build-{i}", workdir / f"site-{i}"
        command = ["build", "--content", str(content), "--out", str(out), "--site-dir", str(site)]
        ours.append(run.run_command(command, workdir))
        if "seconds" not in ours[-1]:
            return {"size": size, "ours": ours[-1]}
        print(f"  {size}: patched pyLODE #{i + 1} …", file=sys.stderr, flush=True)
        patched.append(
            pylode(python, workdir / "build-0" / "dataset.ttl", workdir / "p.html", True)
        )
    return {
        "size": size,
        "concepts": concepts(workdir / "build-0" / "dataset.nt"),
        "ours": median(ours),
        "patched": median(patched),
        "dataset": workdir / "build-0" / "dataset.ttl",
    }


def figure(result: dict, concepts: int) -> str:
    if "timed_out" in result:
        return f"did not finish in {result['timed_out']:.0f} s"
    if "seconds" not in result:
        return f"failed: {result.get('stderr', '')[-600:]}"
    runs = f" {result['all']}" if len(result.get("all", [])) > 1 else ""
    return (
        f"{result['seconds']:.2f} s{runs}, {1000 * result['seconds'] / concepts:.1f} ms per "
        f"concept, peak memory {run.mib(result['peak_tree'])}"
    )


def report(results: list[dict], released: dict | None) -> str:
    lines = ["seconds end to end (fresh process, start-up included); medians, runs in brackets"]
    for r in results:
        if "concepts" not in r:
            lines.append(f"\n== {r['size']:,} practices")
            lines.append(f"goodpractice build {figure(r['ours'], 1)}")
            continue
        lines.append(f"\n== {r['size']:,} practices ({r['concepts']:,} concepts)")
        n = r["concepts"]
        lines.append(f"goodpractice build (every export and page): {figure(r['ours'], n)}")
        lines.append(f"patched pyLODE (one HTML page): {figure(r['patched'], n)}")
        inside = r["patched"].get("inside")
        if inside:
            lines.append(
                f"  pyLODE's own load and render {inside[0]['seconds']:.2f} s; unions of graphs "
                f"asked {inside[0]['unions']:,}, made {inside[0]['made']:,}"
            )
        if "seconds" in r["ours"] and "seconds" in r["patched"]:
            share = r["ours"]["seconds"] / r["patched"]["seconds"]
            verdict = "met" if share <= TARGET else "not met"
            target = f" (target {TARGET} at 1,000: {verdict})" if r["size"] == 1000 else ""
            lines.append(f"ours / patched pyLODE, per concept: {share:.2f}{target}")
    if released is not None:
        r = released["of"]
        lines.append(
            f"\npyLODE 3.6.0 as released, {r['size']:,} practices ({r['concepts']:,} concepts): "
            + figure(released["run"], r["concepts"])
        )
        inside = released["run"].get("last_line", "")
        if inside.startswith("{"):
            lines.append(f"  unions of graphs made: {json.loads(inside)['made']:,}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,300,1000", help="numbers of practices")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating")
    parser.add_argument("--cache", type=Path, default=CACHE, help="the 3.12 environment")
    parser.add_argument("--setup-only", action="store_true", help="make the environment, stop")
    parser.add_argument("--skip-released", action="store_true", help="leave unpatched pyLODE out")
    parser.add_argument("--released-limit", type=float, default=900, help="seconds it may take")
    parser.add_argument("--keep", type=Path, help="keep corpora and outputs under this folder")
    args = parser.parse_args()

    python = environment(args.cache)
    if args.setup_only:
        print(f"pyLODE environment ready: {python}")
        return
    results, folders = [], []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        folders.append(Path(tempfile.mkdtemp(prefix=f"gp-bench-pylode-{size}-", dir=args.keep)))
        results.append(measure(size, python, args.repeat, folders[-1]))
    released = None
    if not args.skip_released and "concepts" in results[0]:
        smallest = results[0]
        print(
            f"  {smallest['size']}: pyLODE as released (at most {args.released_limit:.0f} s) …",
            file=sys.stderr,
            flush=True,
        )
        html = folders[0] / "released.html"
        done = pylode(python, smallest["dataset"], html, False, args.released_limit)
        released = {"of": smallest, "run": done}
    print(report(results, released))
    if args.keep is None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
