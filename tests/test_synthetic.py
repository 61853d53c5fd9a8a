"""A new memorandum is only new content: a generated corpus of three memoranda goes through the
real pipeline, by the same commands as the real one, with no code of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodpractice.cli import main
from goodpractice.pipeline import fidelity_problems, load_model

from . import synthetic
from .conftest import CONTENT

BASE = synthetic.BASE_IRI
PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX gp: <https://w3id.org/gctf-good-practices/def#>
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return synthetic.write_corpus(tmp_path_factory.mktemp("synthetic") / "content", memoranda=3)


@pytest.fixture(scope="module")
def synthetic_model(corpus):
    return load_model(corpus)


def test_the_generator_is_deterministic(corpus, tmp_path):
    again = synthetic.write_corpus(tmp_path / "content", memoranda=3)
    files = sorted(p.relative_to(corpus) for p in corpus.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for relative in files:
        assert (corpus / relative).read_bytes() == (again / relative).read_bytes(), relative


def test_each_memorandum_is_a_scheme_of_twenty_practices(synthetic_model):
    found = synthetic_model.graph.query(
        PREFIXES
        + """
        SELECT ?scheme (COUNT(?practice) AS ?n) WHERE {
          ?practice a gp:GoodPractice ; skos:inScheme ?scheme ; skos:broader ?section .
          ?scheme a gp:FrameworkDocument .
        } GROUP BY ?scheme ORDER BY ?scheme"""
    )
    assert [(str(scheme), int(n)) for scheme, n in found] == [
        (BASE + synthetic.memorandum_key(i), 20) for i in (1, 2, 3)
    ]


def test_a_practice_cites_a_practice_of_another_memorandum(synthetic_model):
    # Good Practice 5 of memorandum 1 cites Good Practice 7 of memorandum 2 (index + number + 1).
    citing = BASE + "synthetic-0001/gp5"
    cited = BASE + "synthetic-0002/gp7"
    assert synthetic_model.graph.query(
        PREFIXES + f"ASK {{ <{citing}> cito:agreesWith <{cited}> ; cito:cites <{cited}> . "
        f"<{cited}> skos:inScheme <{BASE}synthetic-0002> ; skos:notation 'GP7' . }}"
    ).askAnswer


def test_footnotes_glossary_and_shared_citations_are_all_there(synthetic_model):
    def count(pattern: str) -> int:
        query = PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
        return int(next(iter(synthetic_model.graph.query(query)))[0])

    assert count("?f a gp:Footnote ; gp:attachedTo ?unit .") == 3 * 28
    assert (
        count("?t skos:inScheme ?g . ?g a gp:Glossary . ?t <http://purl.org/dc/terms/source> ?f .")
        == 3 * 3
    )
    assert count(f"?unit cito:citesAsAuthority ?r . FILTER(STRSTARTS(STR(?r), '{BASE}un/'))") > 0
    assert count("?p skos:scopeNote ?description .") > 0  # a cited shared practice, described


def test_the_source_texts_pass_the_fidelity_check(synthetic_model):
    assert [str(p) for p in fidelity_problems(synthetic_model)] == []


def _build_args(content, tmp_path: Path, site: bool) -> list[str]:
    args = ["build", "--content", str(content), "--out", str(tmp_path / "build")]
    return args + (["--site-dir", str(tmp_path / "site")] if site else ["--no-site"])


def test_the_cli_builds_the_exports_of_the_corpus(corpus, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything written by default goes under tmp_path
    result = runner.invoke(main, _build_args(corpus, tmp_path, site=False))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "build" / "dataset.ttl").stat().st_size > 0


def test_memoranda_added_beside_the_real_one_get_their_pages(runner, tmp_path, monkeypatch):
    content = synthetic.write_corpus(tmp_path / "content", memoranda=2, beside=CONTENT)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, _build_args(content, tmp_path, site=True))
    assert result.exit_code == 0, result.output
    if "--site-dir" in _build_args(content, tmp_path, site=True):
        for page in ("rabat-washington/gp10", "synthetic-0002/gp7", "synthetic-0001/glossary"):
            assert (tmp_path / "site" / page / "index.html").is_file(), page


def test_the_cli_builds_the_site_of_a_corpus_without_the_real_memorandum(
    corpus, runner, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, _build_args(corpus, tmp_path, site=True))
    assert result.exit_code == 0, result.output


def test_validate_accepts_the_corpus(corpus, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["validate", "--content", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "0 violations" in result.output, result.output
