"""``goodpractice validate`` reads, builds and checks with Python's cyclic garbage collector
paused (millions of objects, no cycle), on again once the check is done; the check's forked
processes turn it on for what they make."""

from __future__ import annotations

import gc
import os

from goodpractice.check import shacl
from goodpractice.cli import main
from goodpractice.graph.store import collection_paused

from .conftest import CONTENT


def test_validate_pauses_the_collector_and_turns_it_on_again(runner, collector_at_load):
    seen = collector_at_load
    assert gc.isenabled()
    result = runner.invoke(main, ["validate", "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert seen == [False] and gc.isenabled()


_MARKS: list = []  # the folder the workers mark, and shacl's own _run_share
_RUN_SHARE = shacl._run_share


def recording(use_shapes):
    """``shacl._run_share`` (a worker's task), leaving a mark of whether it could collect."""
    (_MARKS[0] / f"{os.getpid()}-{gc.isenabled()}").touch()
    return _RUN_SHARE(use_shapes)


def test_the_forked_processes_collect(model, tmp_path, monkeypatch):
    monkeypatch.setattr(shacl, "_run_share", recording)
    monkeypatch.setattr(f"{__name__}._MARKS", [tmp_path])
    run = shacl.ShapesRun()
    with collection_paused():
        shacl.run_shapes(model.graph, processes=2, run=run)
        assert not gc.isenabled()
    assert gc.isenabled()
    marks = {path.name for path in tmp_path.iterdir()}
    assert len(run.processes) == 2 and marks == {f"{pid}-True" for pid in run.processes}
