"""`validate` is as strict as `build`: over hundreds of generated mutations of the real content,
the set of mutations `validate` rejects is the set `build` rejects, and no run ends in a
traceback. (Before, a version such as "../../../pwned" passed `validate` and crashed `build`.)

A working copy is damaged and restored for each mutation, and both commands run in-process
through the CLI runner (two processes share the mutations out); what either prints is also checked for a traceback. Where `validate`
rejects, `build` runs without the site: its verdict comes from the same checks, and a page it
would fail on is reported as the violations that caused it, so the site adds nothing to the
verdict but time. Where `validate` accepts, `build` runs whole, site included.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from goodpractice.cli import main

from .conftest import CONTENT
from .mutations import mutations

MINIMUM = 300


@dataclass
class Run:
    """What one command did: its exit code, what it printed, and an exception it did not catch."""

    exit_code: int
    output: str
    uncaught: str | None


def run(runner: CliRunner, args: list[str]) -> Run:
    result = runner.invoke(main, args)
    exception = result.exception
    uncaught = None
    if exception is not None and not isinstance(exception, SystemExit):
        uncaught = f"{type(exception).__name__}: {exception}"
    return Run(result.exit_code, result.output, uncaught)


def run_share(root: Path, share: int, shares: int) -> list[tuple[str, Run, Run]]:
    """Every ``shares``-th mutation from ``share`` on, on a working copy of its own."""
    workdir = root / f"share-{share}"
    shutil.copytree(CONTENT, workdir / "content")
    os.chdir(workdir)
    runner, results = CliRunner(), []
    for name, file, change in mutations(workdir)[share::shares]:
        path = workdir / file
        original = path.read_bytes()
        damaged = change(original)
        if damaged is None:
            path.unlink()
        else:
            path.write_bytes(damaged)
        try:
            validate = run(runner, ["validate"])
            site = ["--site-dir", "out-site"] if validate.exit_code == 0 else ["--no-site"]
            build = run(runner, ["build", "--out", "out", *site])
        finally:
            path.write_bytes(original)
        results.append((name, validate, build))
    return results


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    root = tmp_path_factory.mktemp("mutations")
    # The two cores each take half the mutations, in a process of their own (forked: the
    # working folder and the CLI's state are theirs alone).
    shares = 2
    with ProcessPoolExecutor(shares, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(run_share, [root] * shares, range(shares), [shares] * shares))
    return [outcome for part in parts for outcome in part]


def traceback_of(result: Run) -> str | None:
    """What shows that a run ended in an exception the CLI did not turn into a message."""
    if result.uncaught is not None:
        return result.uncaught
    if "Traceback (most recent call last)" in result.output:
        return result.output
    return None


def test_there_are_enough_mutations(outcomes):
    assert len(outcomes) >= MINIMUM


def test_validate_rejects_exactly_what_build_rejects(outcomes):
    differ = [
        f"{name}: validate exit {v.exit_code}, build exit {b.exit_code}"
        for name, v, b in outcomes
        if (v.exit_code != 0) != (b.exit_code != 0)
    ]
    rejected = sum(1 for _name, v, _b in outcomes if v.exit_code != 0)
    print(
        f"{len(outcomes)} mutations: {rejected} rejected by both, {len(outcomes) - rejected} accepted by both"
    )
    assert differ == []


def test_no_run_ends_in_a_traceback(outcomes):
    crashed = [
        f"{name} ({command}): {trace}"
        for name, v, b in outcomes
        for command, result in (("validate", v), ("build", b))
        if (trace := traceback_of(result))
    ]
    assert crashed == []


def test_a_rejection_exits_1_or_2_and_says_why(outcomes):
    odd = [
        f"{name}: exit {v.exit_code}"
        for name, v, _b in outcomes
        if v.exit_code not in (0, 1, 2) or (v.exit_code and not v.output.strip())
    ]
    assert odd == []
