"""The policy for tests that need a program: skip saying what to install, fail under CI."""

from __future__ import annotations

import pytest

from . import needs


@pytest.fixture
def absent(tmp_path):
    return needs.Program("Frobnicator", tmp_path / "frob", "frobnicator")


@pytest.fixture
def present(tmp_path):
    path = tmp_path / "frob"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return needs.Program("Frobnicator", path, "frobnicator")


def test_a_missing_program_skips_saying_what_to_install(absent, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        needs.need(absent)
    assert str(skipped.value) == (
        f"needs Frobnicator ({absent.path}): apt-get install -y frobnicator"
    )


def test_under_ci_a_missing_program_fails_with_the_same_hint(absent, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        needs.need(absent)
    assert str(failed.value) == (
        f"needs Frobnicator ({absent.path}): apt-get install -y frobnicator"
        " (required under CI=true)"
    )


@pytest.mark.parametrize("ci", ["", "false", "true"])
def test_a_present_program_is_used(present, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    assert needs.need(present) == present.path


def test_a_program_can_be_pretended_missing(present, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(needs.PRETEND_MISSING, "chromium,frobnicator")
    with pytest.raises(pytest.skip.Exception):
        needs.need(present)


def test_a_file_that_is_not_executable_is_missing(present):
    present.path.chmod(0o644)
    assert needs.missing(present)
