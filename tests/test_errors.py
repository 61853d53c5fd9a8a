"""Bad content stops the build with `file:line: what is wrong`, a non-zero exit, and no output.

Each test breaks a private copy of content/ the way a maintainer might, runs
`goodpractice build` through the CLI runner, and checks the exact message.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from goodpractice.cli import main

from .conftest import edit

MEMO_DIR = "content/memoranda/rabat-washington"


def build_fails(runner, workdir, expected_lines: list[str], exit_code: int = 1) -> None:
    for folder in ("build", "site"):
        (workdir / folder).mkdir()
        (workdir / folder / ".goodpractice-output").write_text("from the last good build")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    count = len(expected_lines)
    assert result.stderr.splitlines() == [
        *expected_lines,
        f"goodpractice: build stopped, nothing was written to build/ or site/: {count} problem"
        f"{'s' if count != 1 else ''} in the content.",
    ]
    # the previous output is untouched and nothing was left half-written beside it
    for folder in ("build", "site"):
        assert sorted(p.name for p in (workdir / folder).iterdir()) == [".goodpractice-output"]
    assert sorted(p.name for p in workdir.iterdir()) == ["build", "content", "site"]


def test_the_real_content_builds(runner, workdir):
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    exports = [p for p in (workdir / "build").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in exports)
    pages = len(list((workdir / "site").rglob("index.html")))
    assert result.stdout.splitlines() == [
        f"Wrote {len(exports)} files ({size:,} bytes) to build/",
        f"Wrote the site ({pages} pages) to site/",
    ]
    assert (workdir / "build" / "dataset.ttl").exists()


CASES = yaml.safe_load((Path(__file__).parent / "cases" / "content_errors.yaml").read_text("utf-8"))


def apply_steps(workdir: Path, steps: list[dict]) -> None:
    """Break the working copy of content/ as a case says."""
    for step in steps:
        (kind, arg), *_ = step.items()
        if kind == "edit":
            edit(workdir / arg["file"], arg["old"], arg["new"])
        elif kind == "delete":
            target = workdir / arg
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        elif kind == "append":
            path = workdir / arg["file"]
            path.write_text(path.read_text("utf-8") + arg["text"] * arg.get("times", 1), "utf-8")
        elif kind == "insert_byte":
            path, after = workdir / arg["file"], arg["after"].encode()
            data = path.read_bytes()
            at = data.index(after) + len(after)
            path.write_bytes(data[:at] + bytes([arg["byte"]]) + data[at:])
        else:
            raise ValueError(f"unknown step {kind!r}")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_content_error(runner, workdir, case):
    apply_steps(workdir, case["steps"])
    build_fails(runner, workdir, case["expect"], exit_code=case.get("exit", 1))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_validate_rejects_what_build_rejects(runner, workdir, case):
    apply_steps(workdir, case["steps"])
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == case.get("exit", 1), result.output
    count = len(case["expect"])
    assert result.stdout.splitlines() == [
        *case["expect"],
        f"goodpractice: the data does not conform ({count} violation{'s' if count != 1 else ''}, "
        "0 warnings).",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "content/publication.yaml",
        "content/catalogue/documents.yaml",
        "content/memoranda/rabat-washington/practices/gp03.md",
        "content/memoranda/rabat-washington/conclusion.md",
    ],
)
def test_a_byte_order_mark_is_accepted(runner, workdir, path):
    # Windows editors put one first; before, a practice file with it had "no field" at all.
    (workdir / path).write_bytes(b"\xef\xbb\xbf" + (workdir / path).read_bytes())
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "goodpractice: the data conforms (0 violations, 0 warnings)."
    ]


def change_a_word(workdir) -> list[str]:
    """Change one word of the conclusion; return what the build must say of it."""
    (case,) = [c for c in CASES if c["name"] == "a changed word stops the build"]
    apply_steps(workdir, case["steps"])
    return case["expect"]


def test_an_edited_source_text_stops_the_build(runner, workdir):
    # Changing the text and the source alike would pass the fidelity check; the checksum does not.
    source = workdir / "content/source/rabat-washington-good-practices.md"
    for path in (source, workdir / MEMO_DIR / "conclusion.md"):
        edit(path, "critical to developing data", "crucial to developing data")
    found = hashlib.sha256(source.read_bytes()).hexdigest()
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/memorandum.yaml:6: source text content/source/rabat-washington-good-practices.md "
            f"has changed: its SHA-256 is {found}, not the "
            "55b0d47d323b08558879ff967ebb5a4bdc4a7bc0801675d0a388a4574a4fc61e recorded here; "
            "the source text is never edited",
        ],
    )


@pytest.mark.parametrize(
    "bad", ["ftp://example.org/", "https://example.org/no-slash", "not an iri"]
)
def test_a_bad_base_iri_is_refused(runner, workdir, bad):
    result = runner.invoke(main, ["build", "--base-iri", bad])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"--base-iri must be an http(s) IRI ending in '/', not {bad!r}"
    )
    assert not (workdir / "build").exists()


def test_write_tree_refuses_a_path_outside_its_folder(tmp_path):
    from goodpractice.staging import stage_tree

    with pytest.raises(ValueError, match="refusing to write '../outside.ttl' outside"):
        stage_tree(tmp_path / "build", {"inside.ttl": b"a", "../outside.ttl": b"b"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_site_that_fails_leaves_the_exports_as_they_were(runner, workdir, monkeypatch):
    from goodpractice import site

    def broken_site(*args, **kwargs):
        raise site.SiteError("MkDocs could not build the site: (a test)")

    monkeypatch.setattr(site, "build_site", broken_site)
    (workdir / "build").mkdir()
    (workdir / "build" / ".goodpractice-output").write_text("from the last good build")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "goodpractice: the site could not be built, nothing was written to build/ or site/:",
        "MkDocs could not build the site: (a test)",
    ]
    assert sorted(p.name for p in (workdir / "build").iterdir()) == [".goodpractice-output"]
    assert sorted(p.name for p in workdir.iterdir()) == ["build", "content"]


def test_exports_that_cannot_be_written_leave_the_site_as_it_was(workdir, monkeypatch):
    from goodpractice import pipeline

    real = pipeline.iter_dataset_files

    def with_a_bad_path(graph, *rest):
        yield from real(graph, *rest)
        yield "../outside.ttl", b""

    monkeypatch.setattr(pipeline, "iter_dataset_files", with_a_bad_path)
    (workdir / "site").mkdir()
    (workdir / "site" / ".goodpractice-output").write_text("from the last good build")
    with pytest.raises(ValueError, match="refusing to write '../outside.ttl'"):
        pipeline.build(workdir / "content", workdir / "build", site_dir=workdir / "site")
    assert sorted(p.name for p in (workdir / "site").iterdir()) == [".goodpractice-output"]
    assert sorted(p.name for p in workdir.iterdir()) == ["content", "site"]


def test_write_tree_refuses_a_path_given_twice(tmp_path):
    from goodpractice.staging import stage_tree

    pairs = iter([("a.ttl", b"1"), ("b.ttl", b"2"), ("a.ttl", b"3")])
    with pytest.raises(ValueError, match="two exports would be written to 'a.ttl'"):
        stage_tree(tmp_path / "build", pairs)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.fixture
def forked_check(monkeypatch):
    """Every build checks its graph in a forked process (as a large corpus's build does):
    returns whether each check so far did fork."""
    from goodpractice.check import background as validate

    monkeypatch.setattr(validate, "FORK_FROM", 0)
    forked: list[bool] = []

    class Recorded(validate.BackgroundCheck):
        def __init__(self, model):
            super().__init__(model)
            forked.append(self._process is not None)

    monkeypatch.setattr(validate, "BackgroundCheck", Recorded)
    return forked


def test_a_violation_found_in_the_background_stops_the_build(runner, workdir, forked_check):
    build_fails(runner, workdir, change_a_word(workdir))
    assert forked_check == [True]


def test_a_build_checked_in_the_background_writes_the_same_files(out, workdir, forked_check):
    from goodpractice import pipeline

    pipeline.build(workdir / "content", workdir / "build", site_dir=workdir / "site")
    assert forked_check == [True]
    written = sorted(p.relative_to(workdir / "build") for p in (workdir / "build").rglob("*"))
    assert written == sorted(p.relative_to(out) for p in out.rglob("*"))
    for relative in written:
        if (out / relative).is_file():
            assert (workdir / "build" / relative).read_bytes() == (out / relative).read_bytes()


def test_an_error_in_the_background_check_stops_the_build(workdir, forked_check, monkeypatch):
    from goodpractice import pipeline
    from goodpractice.check import background as validate

    def broken(model, processes=None):
        raise RuntimeError("the shapes could not be read (a test)")

    monkeypatch.setattr(validate, "validate", broken)  # the forked process inherits it
    expected = r"(?s)^checking the content failed: Traceback .*\nRuntimeError: the shapes could not be read \(a test\)$"
    with pytest.raises(RuntimeError, match=expected):
        pipeline.build(workdir / "content", workdir / "build", site_dir=workdir / "site")
    assert forked_check == [True]
    assert sorted(p.name for p in workdir.iterdir()) == ["content"]


def test_violations_found_in_the_background_outrank_the_error_they_cause(
    runner, workdir, forked_check, monkeypatch
):
    """Content that breaks the shapes may break a page too: the build reports the content's
    problems, not the page's error, however fast the check was."""
    from goodpractice import site

    def failing(*args, **kwargs):
        raise site.SiteError("a page could not be made (a test)")

    monkeypatch.setattr(site, "build_site", failing)
    build_fails(runner, workdir, change_a_word(workdir))
    assert forked_check == [True]


@pytest.mark.parametrize("name", ["", ".", "a/.."])
def test_write_tree_refuses_a_name_that_is_not_a_file(tmp_path, name):
    from goodpractice.staging import stage_tree

    with pytest.raises(ValueError, match=f"^{re.escape(repr(name))} is not the name of a file$"):
        stage_tree(tmp_path / "build", [(name, b"1")])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_write_tree_knows_two_spellings_of_one_name(tmp_path):
    from goodpractice.staging import stage_tree

    with pytest.raises(ValueError, match="two exports would be written to 'a/b.ttl'"):
        stage_tree(tmp_path / "build", [("a/b.ttl", b"1"), ("a/./b.ttl", b"2")])
