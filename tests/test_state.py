"""``goodpractice build`` over the output of a last build: it starts from what that build left
beside build/ (``pipeline.state``) and makes again only what an edit changes, with the same
bytes as a clean build; a state it cannot trust (other code, another folder, a change it does
not follow, a damaged file) makes a full build, never an error."""

from __future__ import annotations

import pickle

import pytest

from goodpractice import pipeline
from goodpractice.cli import main
from goodpractice.pipeline import state

from . import synthetic
from .test_incremental import (
    EDITS,
    assert_same_as_clean_build,
    citation_added,
    citation_removed,
    text_edit,
)


@pytest.fixture
def corpus(tmp_path):
    return synthetic.write_corpus(tmp_path / "content", memoranda=2)


def build(corpus, tmp_path, **options) -> pipeline.Built:
    return pipeline.build(corpus, tmp_path / "build", site_dir=tmp_path / "site",
                          keep_state=True, **options)  # fmt: skip


def test_each_build_after_an_edit_makes_only_what_changed_and_a_clean_builds_bytes(
    corpus, tmp_path
):
    first = build(corpus, tmp_path)
    assert first.rewritten is None  # nothing to start from: a full build
    assert state.state_file(tmp_path / "build").is_file()
    for number, (make_edit, in_place) in enumerate(EDITS, start=1):
        make_edit(corpus)
        built = build(corpus, tmp_path)
        name = make_edit.__name__
        assert built.rewritten is not None, f"{name}: not incremental"
        assert 0 < len(built.rewritten) < len(built.files) / 10, name
        assert (built.site_written is not None) == in_place, name
        assert_same_as_clean_build(corpus, tmp_path / "build", tmp_path / "site",
                                   tmp_path / f"clean-{number}")  # fmt: skip


def test_the_command_says_how_much_changed(corpus, tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    options = ["--content", str(corpus)]
    first = runner.invoke(main, ["build", *options])
    assert first.exit_code == 0, first.output
    assert "changed since the last build" not in first.stdout
    text_edit(corpus)
    again = runner.invoke(main, ["build", *options])
    assert again.exit_code == 0, again.output
    lines = again.stdout.splitlines()
    assert lines[0].startswith("Wrote ") and lines[0].endswith(" changed since the last build")
    assert lines[1].endswith(" files changed since the last build")
    full = runner.invoke(main, ["build", "--full", *options])  # makes every file again
    assert full.exit_code == 0, full.output
    assert "changed since the last build" not in full.stdout


@pytest.mark.parametrize(
    "spoil",
    ["other code", "site replaced", "publication edited", "damaged", "other base IRI"],
)
def test_a_state_that_cannot_be_trusted_makes_a_full_build(corpus, tmp_path, monkeypatch, spoil):
    build(corpus, tmp_path)
    citation_added(corpus)
    options = {}
    if spoil == "other code":
        monkeypatch.setattr(state, "code_digest", lambda: "another version of the code")
    elif spoil == "site replaced":  # by another tool: what the state says of it is not true
        site = tmp_path / "site"
        site.rename(tmp_path / "elsewhere")
        (tmp_path / "elsewhere").rename(site)  # the same files, but a copy would be new
        (tmp_path / "copy").mkdir()
        for path in site.iterdir():
            path.rename(tmp_path / "copy" / path.name)
        site.rmdir()
        (tmp_path / "copy").rename(site)
    elif spoil == "publication edited":  # not a change a rebuild follows
        publication = corpus / "publication.yaml"
        publication.write_text(publication.read_text(encoding="utf-8") + "\n", "utf-8")
    elif spoil == "damaged":
        state.state_file(tmp_path / "build").write_bytes(b"not a state")
    elif spoil == "other base IRI":
        options["base_iri"] = "https://example.org/other/"
    built = pipeline.build(corpus, tmp_path / "build", options.get("base_iri"),
                           tmp_path / "site", keep_state=True)  # fmt: skip
    assert built.rewritten is None, spoil  # a full build (test_determinism: a clean one's bytes)


def test_a_failed_build_leaves_the_state_and_the_next_build_starts_from_it(corpus, tmp_path):
    build(corpus, tmp_path)
    saved = state.state_file(tmp_path / "build").read_bytes()
    broken = corpus / "memoranda/synthetic-0001/practices/gp03.md"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("Rights policymakers", "Rights of policymakers"), "utf-8")
    with pytest.raises(pipeline.ContentError):
        build(corpus, tmp_path)
    assert state.state_file(tmp_path / "build").read_bytes() == saved
    broken.write_text(text, encoding="utf-8")
    citation_added(corpus)
    assert build(corpus, tmp_path).rewritten is not None
    citation_removed(corpus)
    assert build(corpus, tmp_path).rewritten is not None
    assert_same_as_clean_build(corpus, tmp_path / "build", tmp_path / "site", tmp_path / "clean")


def test_serve_leaves_a_state_when_it_stops_and_starts_from_one(corpus, tmp_path):
    out, site = tmp_path / "build", tmp_path / "site"
    rebuilder = pipeline.Rebuilder(corpus, out, None, site, spares=False)
    assert rebuilder().rewritten is None
    text_edit(corpus)
    assert rebuilder().rewritten is not None
    rebuilder.close()
    saved = pickle.loads(state.state_file(out).read_bytes())
    assert saved.folders == pipeline.incremental.identities(out, site)
    # a later build, and a later serve, start from it
    citation_added(corpus)
    assert build(corpus, tmp_path).rewritten is not None
    citation_removed(corpus)
    again = pipeline.Rebuilder(corpus, out, None, site, spares=False)
    assert again().rewritten is not None
    citation_added(corpus)
    assert again().rewritten is not None  # and goes on from there as serve does
    assert_same_as_clean_build(corpus, out, site, tmp_path / "clean")
