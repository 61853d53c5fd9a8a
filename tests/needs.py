"""Programs some tests need beyond Python, and what happens when one is missing.

On a developer's machine a missing program skips the test, saying what to install. Under CI
(``CI=true``) it fails the test with the same words instead, so CI never passes by skipping.

``GOODPRACTICE_TEST_PRETEND_MISSING=chromium,apache2,nginx`` (the packages' names) makes the
listed programs count as missing, to try this policy on a machine that has them.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PRETEND_MISSING = "GOODPRACTICE_TEST_PRETEND_MISSING"


@dataclass(frozen=True)
class Program:
    name: str
    path: Path
    package: str  # the package that installs it: Debian's, or PyPI's with ``install``
    install: str = ""  # how to install it, if not ``apt-get install -y <package>``

    def hint(self) -> str:
        how = self.install or f"apt-get install -y {self.package}"
        return f"needs {self.name} ({self.path}): {how}"


CHROMIUM = Program("Chromium", Path("/usr/bin/chromium"), "chromium")
APACHE = Program("Apache", Path("/usr/sbin/apache2"), "apache2")
NGINX = Program("nginx", Path("/usr/sbin/nginx"), "nginx")
VIRTUOSO = Program("OpenLink Virtuoso", Path("/usr/bin/virtuoso-t"), "virtuoso-opensource-7-bin")


def _script(name: str) -> Path:
    """A command a Python package installs: beside this interpreter, or on the PATH."""
    beside = Path(sys.executable).parent / name
    return beside if beside.exists() else Path(shutil.which(name) or beside)


OXIGRAPH = Program(
    "the Oxigraph server",
    _script("oxigraph"),
    "oxigraph",
    "python3 -m pip install oxigraph (it is in the test extras: pip install -e '.[test]')",
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(program: Program) -> bool:
    pretended = {name.strip() for name in os.environ.get(PRETEND_MISSING, "").split(",")}
    return program.package in pretended or not os.access(program.path, os.X_OK)


def unavailable(hint: str) -> None:
    """Something a test needs is not on this machine: skip the test, saying what to install;
    under CI, fail it with the same words, so CI never passes by skipping."""
    if in_ci():
        pytest.fail(f"{hint} (required under CI=true)", pytrace=False)
    pytest.skip(hint)


def need(program: Program) -> Path:
    """The program's path; if it is missing, skip the calling test (fail it under CI)."""
    if missing(program):
        unavailable(program.hint())
    return program.path
