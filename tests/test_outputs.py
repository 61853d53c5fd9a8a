"""No folder lost: the output folders a build may replace, the staging folders a killed build
leaves, and faults (a full disk, no permission, a signal) in the middle of a build.

Each case runs the command (through the CLI runner, or as a real process where a signal is
involved) and checks the exact message, the exit code, and that every file under the working
folder is byte for byte as it was."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goodpractice import pipeline, staging
from goodpractice.cli import main
from goodpractice.content import ContentError, Problem

PREVIOUS = "from the last good build"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, with the digest of each file's bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = str(path.relative_to(folder))
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
    return found


@pytest.fixture
def last_good(workdir):
    """build/ and site/ as a previous build left them (small, so that any change shows)."""
    for folder in ("build", "site"):
        (workdir / folder).mkdir()
        (workdir / folder / staging.MARKER).write_bytes(staging.MARKER_TEXT)
        (workdir / folder / "previous.txt").write_text(PREVIOUS)
    return workdir


# --------------------------------------------------------------------------------------------
# Output folders are guarded


REFUSED = [
    (["--out", "."], "--out ./: it holds the content folder content/"),
    (["--out", "content"], "--out content/: it is the content folder"),
    (["--site-dir", "content/memoranda"],
     "--site-dir content/memoranda/: it is inside the content folder content/"),
    (["--out", "build", "--site-dir", "build"], "--out build/: it is also --site-dir"),
    (["--out", "site/exports"], "--out site/exports/: it is inside --site-dir"),
    (["--site-dir", "build/site"], "--out build/: it holds --site-dir"),
    (["--out", "notes"], "--out notes/: it holds files that goodpractice did not write "
     "(its outputs have .goodpractice-output)"),
    (["--site-dir", "project"], "--site-dir project/: it holds mkdocs.yml, a file of the publication"),
    (["--out", "/"], "--out /: it is the root of the file system"),
    (["--out", "home"], "--out home/: it is your home folder"),
]  # fmt: skip


@pytest.mark.parametrize("args, refusal", REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_an_output_folder_that_is_not_ours_is_refused(
    runner, last_good, monkeypatch, args, refusal
):
    workdir = last_good
    (workdir / "notes").mkdir()
    (workdir / "notes" / "shopping.txt").write_text("someone's file")
    (workdir / "project").mkdir()
    (workdir / "project" / "mkdocs.yml").write_text("site_name: mine\n")
    (workdir / "home").mkdir()
    monkeypatch.setenv("HOME", str(workdir / "home"))
    before = snapshot(workdir)
    result = runner.invoke(main, ["build", *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"goodpractice: refusing to replace {refusal}; nothing was written."
    ]
    assert snapshot(workdir) == before


def test_serve_refuses_an_output_folder_that_is_not_ours(runner, workdir):
    before = snapshot(workdir)
    result = runner.invoke(main, ["serve", "--out", "content", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "goodpractice serve: refusing to replace --out content/: it is the content folder; "
        "nothing was written."
    ]
    assert snapshot(workdir) == before


def test_a_build_replaces_its_own_output_even_one_written_before_the_marker(runner, workdir):
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    for folder in ("build", "site"):
        assert (workdir / folder / staging.MARKER).read_bytes() == staging.MARKER_TEXT
        (workdir / folder / staging.MARKER).unlink()  # as an older version wrote it
    (workdir / "empty").mkdir()
    result = runner.invoke(main, ["build", "--out", "empty", "--site-dir", "site"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert (workdir / "build" / staging.MARKER).is_file()


# --------------------------------------------------------------------------------------------
# Staging folders of a killed build


def wait_for(predicate, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def staging_folders(workdir: Path) -> list[str]:
    return sorted(p.name for p in workdir.iterdir()
                  if p.name.startswith((".build.", ".site.")) and p.is_dir())  # fmt: skip


def locked(workdir: Path, prefix: str) -> bool:
    """Whether a staging folder named ``prefix…`` has its lock (it is made just after)."""
    return any(
        (workdir / n / staging.LOCK).exists()
        for n in staging_folders(workdir)
        if n.startswith(prefix)
    )


def start_build(workdir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "goodpractice", "build", *args],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_the_next_build_removes_what_a_killed_build_left_but_not_a_running_one(runner, last_good):
    workdir = last_good
    before = snapshot(workdir)
    process = start_build(workdir)
    # Killed once the site is being built: the exports' and the site's staging folders exist.
    wait_for(lambda: locked(workdir, ".site.build."))
    process.send_signal(signal.SIGKILL)
    process.wait()
    left = staging_folders(workdir)
    assert len(left) == 2, left
    assert {k: v for k, v in snapshot(workdir).items() if k.split("/")[0] not in left} == before
    # The staging folder of a build that is still running (another process) stays.
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        busy = workdir / ".site.build.abcd1234"
        busy.mkdir()
        (busy / staging.LOCK).write_text(f"{running.pid} {staging.process_token(running.pid)}\n")
        result = runner.invoke(main, ["build"])
        assert result.exit_code == 0, result.output
        assert staging_folders(workdir) == [busy.name]
    finally:
        running.kill()
        running.wait()
    assert not staging.process_running(running.pid, staging.process_token(running.pid))


# --------------------------------------------------------------------------------------------
# Faults: a full disk, no permission


def test_a_full_disk_leaves_the_last_good_build(runner, last_good, monkeypatch):
    written = []

    def filling(target: Path, data: bytes) -> None:
        if len(written) == 20:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        written.append(target)
        target.write_bytes(data)

    monkeypatch.setattr(staging, "write_file", filling)
    before = snapshot(last_good)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "goodpractice: could not write build/: No space left on device; nothing was changed."
    ]
    assert snapshot(last_good) == before


@pytest.mark.parametrize("folder", ["build", "site"])
def test_no_permission_on_an_output_folder_leaves_the_last_good_build(
    runner, last_good, monkeypatch, folder
):
    real_replace = os.replace

    def refused(source, target):
        # as when the folder's parent is read-only: the last build cannot be moved aside
        if Path(source).absolute() == last_good / folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        real_replace(source, target)

    monkeypatch.setattr(staging.os, "replace", refused)
    before = snapshot(last_good)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"goodpractice: could not write {folder}/: Permission denied; nothing was changed."
    ]
    assert snapshot(last_good) == before


# --------------------------------------------------------------------------------------------
# Signals at several points of a build, in a real process

# Runs the CLI with a stage wrapped so that the process signals itself at that point.
SIGNAL_AT = """
import os, sys
from goodpractice import cli, pipeline

owner = {"load": pipeline, "exports": pipeline.Run, "swap": pipeline.Run, "swapped": pipeline}
name = {"load": "load_model", "exports": "stage_exports", "swap": "swap", "swapped": "Swap"}
point, number = sys.argv[1], int(sys.argv[2])
real = getattr(owner[point], name[point])

def signalled(*args, **kwargs):
    result = real(*args, **kwargs)
    os.kill(os.getpid(), number)
    return result

if point == "swap":  # just before the swap, once the check has passed
    def signalled(*args, **kwargs):
        os.kill(os.getpid(), number)
        return real(*args, **kwargs)

setattr(owner[point], name[point], signalled)
sys.argv = ["goodpractice", "build"]
cli.main()
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("point", ["load", "exports", "swap"])
def test_a_signal_during_a_build_leaves_the_last_good_build(last_good, point, signum):
    before = snapshot(last_good)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_AT, point, str(int(signum))],
        cwd=last_good, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 128 + signum, done.stderr
    assert done.stderr.splitlines() == [
        f"goodpractice: stopped by {signum.name}; nothing was written to build/ or site/"
    ]
    assert snapshot(last_good) == before


def test_a_signal_during_the_swap_is_held_until_both_folders_are_in_place(last_good):
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_AT, "swapped", str(int(signal.SIGTERM))],
        cwd=last_good, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 143, done.stderr
    assert done.stderr.splitlines() == [
        "goodpractice: stopped by SIGTERM once build/ and site/ had been written."
    ]
    for folder in ("build", "site"):
        assert not (last_good / folder / "previous.txt").exists()
        assert (last_good / folder / "dataset.ttl").is_file()
    assert staging_folders(last_good) == []


def test_ctrl_c_while_the_exports_are_written_exits_130(last_good):
    before = snapshot(last_good)
    process = start_build(last_good)
    wait_for(lambda: locked(last_good, ".build."))
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.splitlines() == [
        "goodpractice: stopped by SIGINT; nothing was written to build/ or site/"
    ]
    assert snapshot(last_good) == before


# --------------------------------------------------------------------------------------------
# Messages: at most 50 problems, a report into a folder that does not exist


def test_at_most_fifty_problems_are_printed(runner, last_good, monkeypatch):
    problems = [Problem(None, f"problem {n}") for n in range(1, 74)]

    def failing(*args, **kwargs):
        raise ContentError(problems)

    monkeypatch.setattr(pipeline, "build", failing)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        *(f"problem {n}" for n in range(1, 51)),
        "and 23 more (see goodpractice validate --report)",
        "goodpractice: build stopped, nothing was written to build/ or site/: "
        "73 problems in the content.",
    ]


def test_a_report_into_a_folder_that_does_not_exist_is_refused(runner, workdir):
    before = snapshot(workdir)
    result = runner.invoke(main, ["validate", "--report", "reports/shacl.ttl"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "goodpractice: --report reports/shacl.ttl: the folder reports/ does not exist."
    ]
    assert snapshot(workdir) == before
