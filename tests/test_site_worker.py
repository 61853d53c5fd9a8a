"""The site's second process (site/worker.py): each value made there, in the order sent, with
the context sent before it; where it stops, fails or falls behind, the work is done here, with
the same values and the same errors."""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goodpractice.site import worker
from goodpractice.site.worker import Worker


def test_values_come_back_in_order_each_with_the_context_sent_before_it():
    started = Worker.started
    work = Worker("operator", "add")  # add(item, context)
    work.set_context(10)
    work.run(1)
    work.run(2)
    work.set_context(100)
    work.run(3)
    assert work.results() == [11, 12, 103]
    assert Worker.started == started + 1  # every value was the worker's
    assert not work.folder.exists()  # its files removed


def test_a_worker_that_was_killed_leaves_its_items_to_be_done_here():
    started = Worker.started
    work = Worker("operator", "add")
    work.set_context(1)
    for item in range(5):
        work.run(item)
    os.kill(work.process.pid, signal.SIGKILL)
    assert work.results() == [1, 2, 3, 4, 5]
    assert Worker.started == started  # made here


def test_an_error_in_the_worker_is_raised_here_as_it_would_have_been():
    work = Worker("operator", "truediv")
    work.set_context(0)
    work.run(1)
    with pytest.raises(ZeroDivisionError, match="^division by zero$"):
        work.results()
    assert not work.folder.exists()
    work.close()  # again, as a caller's clean-up does after an error: nothing more to do


def test_a_worker_that_falls_behind_is_not_free(monkeypatch):
    monkeypatch.setattr(worker, "BACKLOG", 3)
    work = Worker("operator", "add")
    os.kill(work.process.pid, signal.SIGSTOP)  # it does nothing until told to go on
    try:
        work.set_context(0)
        assert work.free()
        for item in range(3):
            work.run(item)
        assert not work.free()  # three sent, none done
    finally:
        os.kill(work.process.pid, signal.SIGCONT)
    assert work.results() == [0, 1, 2]


def test_closing_a_worker_stops_it_and_removes_its_files():
    work = Worker("operator", "add")
    process = work.process
    work.set_context(0)
    work.run(1)
    work.close()
    assert process.poll() is not None
    assert not work.folder.exists()


def test_where_no_second_process_starts_the_work_is_done_here(monkeypatch):
    monkeypatch.setattr(worker.sys, "executable", "/nonexistent/python")
    started = Worker.started
    work = Worker("operator", "add")
    assert work.process is None and not work.free()
    work.set_context(2)
    work.run(3)
    assert work.results() == [5]
    assert Worker.started == started
    assert not work.folder.exists()


def test_its_files_go_in_the_folder_given_and_it_imports_nothing_from_where_it_runs(
    tmp_path, monkeypatch
):
    (tmp_path / "operator.py").write_text("raise SystemExit(3)\n")  # would stop it, if imported
    monkeypatch.chdir(tmp_path)
    started = Worker.started
    work = Worker("operator", "add", folder=tmp_path)
    assert work.folder.parent == tmp_path
    work.set_context(1)
    work.run(1)
    assert work.results() == [2]
    assert Worker.started == started + 1  # the worker's own value: it ran
    assert sorted(p.name for p in tmp_path.iterdir()) == ["operator.py"]


def test_a_worker_whose_build_was_killed_writes_nothing_more(tmp_path):
    """Its parent gone (killed) while it works on an item, the worker does not go on to the
    items still in its pipe: the pages would go into a staging folder the next build removes."""
    script = (
        "import os\n"
        "from goodpractice.site.worker import Worker\n"
        f"work = Worker('operator', 'pow', folder={str(tmp_path)!r})\n"
        "work.set_context(2_000_000)\n"
        "for item in (7, 1, 1, 1):\n"  # 7 ** 2,000,000 takes it a while; 1 ** 2,000,000 not
        "    work.run(item)\n"
        "print(work.process.pid, work.folder, flush=True)\n"
        "os._exit(0)\n"  # as a kill would: no clean-up
    )
    made = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    pid, folder = made.stdout.split()
    deadline = time.monotonic() + 60
    while status(pid) not in ("Z", "gone"):
        assert time.monotonic() < deadline, "the worker did not stop"
        time.sleep(0.05)
    with open(Path(folder, "values"), "rb") as values:
        made = values.read()
    # nothing, or the item it was at when its parent ended (it starts in about half a second)
    assert made in (b"", pickle.dumps(7**2_000_000, protocol=pickle.HIGHEST_PROTOCOL))


def status(pid: str) -> str:
    """A process's state, as /proc shows it ("Z": ended, not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_the_values_read_back_stop_where_the_file_does(tmp_path):
    """A values file cut short (the worker stopped writing) gives the values it holds whole;
    no file gives none: the caller makes the others itself."""
    path = tmp_path / "values"
    with open(path, "wb") as file:
        for value in ("a", "b"):
            pickle.dump(value, file)
    assert worker.read_values(path, 3) == ["a", "b"]  # the end of the file
    whole = path.read_bytes()
    path.write_bytes(whole + pickle.dumps("c")[:-3])  # the third cut in the middle
    assert worker.read_values(path, 3) == ["a", "b"]
    assert worker.read_values(tmp_path / "none", 3) == []


def test_a_pipe_the_system_will_not_enlarge_stays_as_it_was(monkeypatch):
    monkeypatch.setattr(worker, "PIPE_SIZE", -1)  # a size Linux refuses (EINVAL)
    work = Worker("operator", "add")
    assert fcntl.fcntl(work.process.stdin.fileno(), fcntl.F_GETPIPE_SZ) == 65536
    work.set_context(1)
    work.run(1)
    assert work.results() == [2]


def test_where_a_pipe_cannot_be_enlarged_the_worker_works_as_well(monkeypatch):
    monkeypatch.delattr(fcntl, "F_SETPIPE_SZ")  # as on a system other than Linux
    work = Worker("operator", "add")
    work.set_context(1)
    work.run(2)
    assert work.results() == [3]
