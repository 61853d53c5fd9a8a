"""The check run in a forked process while the build goes on (``BackgroundCheck``)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
import traceback
from pathlib import Path

from .report import CheckedModel, Finding
from .shacl import validate

# From this many triples on (a few memoranda), the check runs beside the build: forking costs
# a few hundredths of a second, the check of a 1,000-practice corpus seconds
FORK_FROM = 10_000


class BackgroundCheck:
    """``validate(model)`` run in a forked process while this one goes on: the build exports
    and renders the site meanwhile, on the other core, and puts nothing in place unless the
    check found no violation. The process ends as soon as it has its answer (left in a file
    until asked for), so its memory is free for the rest of the build. Where a fork is not
    safe (another thread runs) or not worth it (a small graph), the check runs here, at once."""

    def __init__(self, model: CheckedModel):
        self._process = None
        self._violations: list[Finding] | None = None
        self.forked = False  # whether the check runs in a process of its own
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if len(model.graph) < FORK_FROM or threading.active_count() > 1 or not forkable:
            self._violations = validate(model).violations
            return
        global _FORKED_MODEL
        handle, self._answer = tempfile.mkstemp(prefix="goodpractice-check-", suffix=".pickle")
        os.close(handle)
        _FORKED_MODEL = model
        gc.freeze()  # the child's collector leaves the model's objects alone: fewer pages copied
        try:
            self._process = multiprocessing.get_context("fork").Process(
                target=_check_forked_model, args=(self._answer,), daemon=True
            )
            self._process.start()
            self.forked = True
        except BaseException:
            self._process = None
            Path(self._answer).unlink(missing_ok=True)
            raise
        finally:
            gc.unfreeze()
            _FORKED_MODEL = None

    def done(self) -> bool:
        return self._violations is not None or not self._process.is_alive()

    def violations(self) -> list[Finding]:
        """The violations found (waiting for the check to end if it has not)."""
        if self._violations is None:
            try:
                self._process.join()
                answer = Path(self._answer).read_bytes()
                if not answer:
                    raise RuntimeError(
                        f"the check of the content stopped without an answer "
                        f"(exit code {self._process.exitcode})"
                    )
                kind, outcome = pickle.loads(answer)
                if kind == "error":
                    raise RuntimeError(f"checking the content failed: {outcome}")
                self._violations = outcome
            finally:
                self.close()
        return self._violations

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
            Path(self._answer).unlink(missing_ok=True)


_FORKED_MODEL: CheckedModel | None = None  # what a forked background check validates


def _check_forked_model(answer: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:  # one process: this one is the second core's already
        outcome = ("violations", validate(_FORKED_MODEL, processes=1).violations)
    except Exception:  # noqa: BLE001 - handed to the parent as text, traceback and all
        outcome = ("error", traceback.format_exc().rstrip())
    Path(answer).write_bytes(pickle.dumps(outcome))
