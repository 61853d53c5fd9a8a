"""``/sparql`` under load, for bench/run.py: `goodpractice serve` started on a built site, asked
the competency questions (src/goodpractice/queries) by concurrent clients over loopback.

- the load test (the real memorandum): 16 clients, 2,000 queries in all, every answer checked
  against rdflib's over the same dataset.ttl; the median and 95th-percentile latency;
- each competency question's latency on its own (median of 5 after a warm-up), on any size.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ACCEPT = "application/sparql-results+json"


def started(site_dir: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "goodpractice", "serve", "--no-build", "--no-watch",
         "--site-dir", str(site_dir), "--port", "0"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    found = re.search(r"http://[^/\s]+/", process.stdout.readline())
    if not found:
        os.killpg(process.pid, signal.SIGTERM)
        raise RuntimeError("goodpractice serve did not start")
    return process, found.group(0) + "sparql"


def ask(endpoint: str, text: str) -> tuple[float, int, list]:
    """(seconds, status, rows as sorted JSON strings) of one query."""
    url = f"{endpoint}?{urllib.parse.urlencode({'query': text})}"
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": ACCEPT})) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    seconds = time.perf_counter() - start
    if status != 200:
        return seconds, status, []
    rows = json.loads(body)["results"]["bindings"]
    return seconds, status, sorted(json.dumps(row, sort_keys=True) for row in rows)


def reference(site_dir: Path, texts: dict[str, str]) -> dict[str, list]:
    """rdflib's answers over dataset.ttl, as the endpoint's JSON rows."""
    from rdflib import BNode, Graph, Literal

    graph = Graph().parse(site_dir / "dataset.ttl", format="turtle")
    answers = {}
    for name, text in texts.items():
        result = graph.query(text)
        rows = []
        for row in result:
            binding = {}
            for variable, term in zip(result.vars, row, strict=True):
                if term is None:
                    continue
                if isinstance(term, Literal):
                    value = {"type": "literal", "value": str(term)}
                    if term.language:
                        value["xml:lang"] = term.language
                    elif term.datatype and str(term.datatype).rsplit("#")[-1] != "string":
                        value["datatype"] = str(term.datatype)
                else:
                    kind = "bnode" if isinstance(term, BNode) else "uri"
                    value = {"type": kind, "value": str(term)}
                binding[str(variable)] = value
            rows.append(json.dumps(binding, sort_keys=True))
        answers[name] = sorted(rows)
    return answers


def sparql_figures(site_dir: Path, workdir: Path, load: bool) -> dict:
    from goodpractice.queries import queries

    texts = {q.name: q.text() for q in queries()}
    process, endpoint = started(site_dir, workdir)
    try:
        with ThreadPoolExecutor(4) as pool:  # warm up: every worker loads the build
            list(pool.map(lambda name: ask(endpoint, texts[name]), list(texts) * 2))
        each = {}
        for name, text in texts.items():
            times = [ask(endpoint, text)[0] for _ in range(5)]
            each[name] = statistics.median(times)
        result = {"each": each}
        if load:
            result["load"] = load_test(endpoint, texts, reference(site_dir, texts))
        return result
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()


def load_test(endpoint: str, texts: dict[str, str], wanted: dict[str, list],
              clients: int = 16, total: int = 2000) -> dict:  # fmt: skip
    names = list(texts)
    per_client = total // clients

    def client(number: int) -> tuple[list[float], list[str]]:
        latencies, wrong = [], []
        for i in range(per_client):
            name = names[(number + i) % len(names)]
            seconds, status, rows = ask(endpoint, texts[name])
            latencies.append(seconds)
            if status != 200 or rows != wanted[name]:
                wrong.append(f"{name}: {status}")
        return latencies, wrong

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - start
    latencies = sorted(t for times, _ in done for t in times)
    wrong = [w for _, found in done for w in found]
    return {
        "queries": len(latencies),
        "clients": clients,
        "wrong": len(wrong),
        "first_wrong": wrong[:3],
        "median": statistics.median(latencies),
        "p95": latencies[int(0.95 * len(latencies)) - 1],
        "per_second": len(latencies) / elapsed,
    }


def slowest(figures: dict) -> str:
    """bench/run.py's cell: the slowest competency question (KeyError when not measured)."""
    if "failed" in figures:
        return f"failed: {figures['failed']}"
    name = max(figures["each"], key=figures["each"].get)
    return f"{figures['each'][name] * 1000:.0f} ms ({name})"


def under_load(figures: dict) -> str:
    """bench/run.py's cell: the load test's latencies (KeyError when not measured)."""
    load = figures["load"]
    return (
        f"{load['queries']:,} by {load['clients']}: median {load['median'] * 1000:.1f} ms, "
        f"p95 {load['p95'] * 1000:.1f} ms, {load['wrong']} wrong"
    )


if __name__ == "__main__":  # python bench/sparql_load.py SITE_DIR: the figures of one built site
    site = Path(sys.argv[1]).resolve()
    print(json.dumps(sparql_figures(site, site.parent, load=True), indent=2))
