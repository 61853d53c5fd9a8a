"""A second memorandum is content only, end to end.

A short text written for this test (tests/data/import/hague-marrakech.txt: not the real
memorandum) is imported under `hague-marrakech`, a key the catalogue holds as a stub whose
Good Practice 7 Rabat – Washington cites (footnote 16). Once encoded, the cited practice is
the encoded one (one IRI, one description), its page shows who cites it, the citation views
cover both memoranda, and the navigation keeps one shape per memorandum it lists.
"""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from goodpractice import pipeline
from goodpractice.cli import main
from goodpractice.site.navigation import NAV_MEMORANDA
from goodpractice.vocab import CITO, GP

from .conftest import BASE, CONTENT

FIXTURE = CONTENT.parent / "tests" / "data" / "import" / "hague-marrakech.txt"
HM = URIRef(BASE + "hague-marrakech")
GP7 = URIRef(BASE + "hague-marrakech/gp7")
RW = URIRef(BASE + "rabat-washington")
GYEAR_MONTH = URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real content plus the fixture, imported by the command, validated and built."""
    root = tmp_path_factory.mktemp("second")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    runner = CliRunner()
    imported = runner.invoke(
        main, ["import", str(FIXTURE), "--id", "hague-marrakech", "--content", str(content)]
    )
    assert imported.exit_code == 0, imported.output
    validated = runner.invoke(main, ["validate", "--content", str(content)])
    pipeline.build(content, root / "build", site_dir=root / "site")
    return root, validated


@pytest.fixture(scope="module")
def graph(built) -> Graph:
    return Graph().parse(built[0] / "build" / "dataset.nt", format="nt")


def test_the_imported_memorandum_validates_with_its_proposals_counted(built):
    _, validated = built
    assert validated.exit_code == 0, validated.output
    assert validated.output.splitlines()[-2:] == [
        "goodpractice: the data conforms (0 violations, 0 warnings).",
        "2 citation proposals await confirmation (`proposed:` in footnotes.yaml: not "
        "published until confirmed).",
    ]


def test_the_cited_practice_is_the_encoded_one(graph):
    assert (RW + "/gp10", CITO.citesAsAuthority, GP7) in graph
    # one resource: the stub's "Good Practice 7" label is gone, the encoded title is its label
    assert list(graph.objects(GP7, SKOS.prefLabel)) == [
        Literal("Gather information from many sources while respecting human rights.", lang="en")
    ]
    assert list(graph.objects(GP7, SKOS.notation)) == [Literal("GP7")]
    assert list(graph.objects(GP7, SKOS.inScheme)) == [HM]
    assert (GP7, GP.markedText, None) in graph
    # the memorandum is described once: its own title and date, not the stub's as well
    assert len(list(graph.objects(HM, SKOS.prefLabel))) == 1
    assert list(graph.objects(HM, DCTERMS.issued)) == [Literal("2014-09", datatype=GYEAR_MONTH)]
    practices = set(graph.subjects(SKOS.inScheme, HM)) & set(
        graph.subjects(RDF.type, GP.GoodPractice)
    )
    assert practices == {URIRef(f"{HM}/gp{n}") for n in range(1, 17)}
    assert set(graph.subjects(GP.introduction, None)) == {HM, RW}


def test_its_page_shows_who_cites_it(built):
    page = (built[0] / "site" / "hague-marrakech" / "gp7" / "index.html").read_text("utf-8")
    cited_by = page[page.index('id="cited-by"') : page.index('id="neighbours"')]
    assert '<a href="../../rabat-washington/gp10/">Good Practice 10:' in cited_by
    assert '<a href="../../rabat-washington/fn16/#citation-1">Footnote 16</a>' in cited_by


def test_the_citation_views_cover_both_memoranda(built):
    site = built[0] / "site"
    for view in ("matrix", "network"):
        for key in ("rabat-washington", "hague-marrakech"):
            assert (site / view / key / "index.html").is_file()
    matrix = (site / "matrix" / "rabat-washington" / "index.html").read_text("utf-8")
    assert 'href="../../hague-marrakech/gp7/"' in matrix
    listed = (site / "memoranda" / "index.html").read_text("utf-8")
    assert 'href="../rabat-washington/"' in listed and 'href="../hague-marrakech/"' in listed


def test_the_navigation_has_one_shape_per_memorandum_listed(built, graph):
    page = (built[0] / "site" / "index.html").read_text("utf-8")
    nav = page[page.index("md-nav--primary") :]
    links = re.findall(r'<a href="([^"#]+)" class="md-nav__link', nav)
    listed = [m for m in (HM, RW) if f"{m.removeprefix(BASE)}/" in links]
    assert len(listed) == NAV_MEMORANDA
    for memo in listed:
        key = memo.removeprefix(BASE)
        sections = len(list(graph.objects(memo, SKOS.hasTopConcept)))
        glossary = len(list(graph.objects(memo, DCTERMS.hasPart)))
        entries = [link for link in links if re.match(rf"(?:(?:matrix|network)/)?{key}/", link)]
        # overview, introduction, each section, conclusion, glossary, matrix, network
        assert len(entries) == 2 + sections + 1 + glossary + 2


def test_a_stub_practice_the_memorandum_lacks_is_reported(built, tmp_path):
    """The stub and the memorandum are one resource: every practice the stub lists as cited
    must be one the encoded memorandum has."""
    content = tmp_path / "content"
    shutil.copytree(built[0] / "content", content)
    documents = content / "catalogue" / "documents.yaml"
    listed = "practices: [{notation: GP4}, {notation: GP7}, {notation: GP11}, {notation: GP16}]"
    text = documents.read_text("utf-8")
    line = text[: text.index(listed)].count("\n") + 1
    documents.write_text(text.replace(listed, listed[:-1] + ", {notation: GP17}]"), "utf-8")
    result = CliRunner().invoke(main, ["validate", "--content", str(content)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{documents}:{line}: 'hague-marrakech' lists GP17 as cited, but the encoded memorandum "
        f"{content / 'memoranda' / 'hague-marrakech'} has no Good Practice 17"
    )
