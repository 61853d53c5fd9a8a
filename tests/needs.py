"""Programs some tests need beyond Python, and what happens when one is missing.

On a developer's machine a missing program skips the test, saying what to install. Under CI
(``CI=true``) it fails the test with the same words instead, so CI never passes by skipping.

``GOODPRACTICE_TEST_PRETEND_MISSING=chromium,apache2,nginx`` (Debian package names) makes the
listed programs count as missing, to try this policy on a machine that has them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

PRETEND_MISSING = "GOODPRACTICE_TEST_PRETEND_MISSING"


@dataclass(frozen=True)
class Program:
    name: str
    path: Path
    package: str  # the Debian package that installs it

    def hint(self) -> str:
        return f"needs {self.name} ({self.path}): apt-get install -y {self.package}"


CHROMIUM = Program("Chromium", Path("/usr/bin/chromium"), "chromium")
APACHE = Program("Apache", Path("/usr/sbin/apache2"), "apache2")
NGINX = Program("nginx", Path("/usr/sbin/nginx"), "nginx")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(program: Program) -> bool:
    pretended = {name.strip() for name in os.environ.get(PRETEND_MISSING, "").split(",")}
    return program.package in pretended or not os.access(program.path, os.X_OK)


def need(program: Program) -> Path:
    """The program's path; if it is missing, skip the calling test (fail it under CI)."""
    if missing(program):
        if in_ci():
            pytest.fail(f"{program.hint()} (required under CI=true)", pytrace=False)
        pytest.skip(program.hint())
    return program.path
