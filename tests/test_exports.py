"""The exports around the JSON-LD: determinism, CSV, the DCAT/VoID description and the README's
"Using the data" commands, each run against a fresh build."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, VOID, XSD

from goodpractice import export
from goodpractice.check import check_fidelity
from goodpractice.graph import ReadModel, new_graph
from goodpractice.graph.read import read_citations
from goodpractice.ontology import ontology_file
from goodpractice.vocab import DCAT3, GP

from .conftest import BASE, CONTENT, MEMO, ROOT

DATASET = URIRef(BASE + "dataset")

# rdflib's own JSON-LD parser warns about its internals; the warnings are not about our data
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


# Files in build/ that are not the document of one resource.
NOT_RESOURCE_DOCUMENTS = {"dataset.ttl", "dataset-description.ttl", "ontology.ttl", "shapes.ttl"}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def csv_rows(path: Path) -> list[dict[str, str]]:
    return csv_rows_of(path.read_bytes())


def csv_rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


# --------------------------------------------------------------------------------------------
# Same inputs, same bytes


# --------------------------------------------------------------------------------------------
# CSV


def test_every_resource_has_its_n_triples_with_the_triples_of_its_turtle(out):
    turtles = sorted(
        p
        for p in out.rglob("*.ttl")
        if p.name not in NOT_RESOURCE_DOCUMENTS and not p.name.endswith(".vocpub.ttl")
    )
    assert len(turtles) > 100
    for turtle in turtles:
        nt = turtle.with_suffix(".nt")
        assert nt.is_file(), nt
        lines = nt.read_text(encoding="utf-8").splitlines()
        assert lines == sorted(set(lines)), nt  # one triple a line, sorted, no repeats
        expected = Graph().parse(turtle, format="turtle")
        assert isomorphic(Graph().parse(nt, format="nt"), expected), nt


def test_practices_csv_has_one_row_per_practice_in_source_order(out):
    data = (out / "practices.csv").read_bytes()
    data.decode("utf-8")  # UTF-8, no byte-order mark
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(out / "practices.csv")
    assert list(rows[0]) == export.PRACTICES_HEADER
    assert [row["notation"] for row in rows] == [f"GP{n}" for n in range(1, 20)]
    assert rows[9] == {
        "notation": "GP10",
        "title": "Develop mechanisms to disseminate information about potential and suspected "
        "homegrown terrorists broadly within domestic government agencies.",
        "section": "III",
        "section_title": "Detection",
        "memorandum": MEMO,
        "iri": MEMO + "/gp10",
    }
    assert rows[0]["section"] == "I" and rows[18]["section"] == "V"


def test_citations_csv_has_every_typed_citation_with_its_footnote(out, model):
    rows = csv_rows(out / "citations.csv")
    assert list(rows[0]) == export.CITATIONS_HEADER
    citations = set(model.graph.subjects(RDF.type, URIRef("http://purl.org/spar/cito/Citation")))
    assert sorted(row["citation"] for row in rows) == sorted(str(c) for c in citations)
    assert {
        "citing_unit": MEMO + "/gp10",
        "citing_label": "GP10",
        "cited_resource": BASE + "un/s-res-2396-2017",
        "cited_label": "Security Council resolution 2396 (2017)",
        "citation_type": "includesQuotationFrom",
        "footnote": "15",
        "citing_words": "United Nations Security Council Resolution 2396 calls upon",
        "citation": MEMO + "/fn15#citation-2",
    } in rows
    gp10 = [
        (row["footnote"], row["citation"].rsplit("/", 1)[1])
        for row in rows
        if row["citing_label"] == "GP10"
    ]
    assert gp10 == [
        ("", "gp10#citation-1"),
        ("15", "fn15#citation-1"),
        ("15", "fn15#citation-2"),
        ("15", "fn15#citation-3"),
        ("16", "fn16#citation-1"),
    ]
    assert rows[0]["citing_label"] == "Introduction"


# --------------------------------------------------------------------------------------------
# The dataset description


def test_the_dataset_keeps_the_shape_the_shapes_expect(model):
    graph = model.graph
    assert {DCAT.Dataset, VOID.Dataset} <= set(graph.objects(DATASET, RDF.type))
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.issued,
                 DCTERMS.modified, DCTERMS.license, DCTERMS.rights, OWL.versionInfo):  # fmt: skip
        assert graph.value(DATASET, prop) is not None, prop


def test_every_distribution_has_a_media_type_and_a_file_we_wrote(out):
    description = Graph().parse(out / "dataset-description.ttl")
    distributions = set(description.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(export.DISTRIBUTIONS)
    media_types = set()
    for distribution in distributions:
        assert (distribution, RDF.type, DCAT.Distribution) in description
        media_types.add(str(description.value(distribution, DCAT.mediaType)))
        url = str(description.value(distribution, DCAT.downloadURL))
        assert (out / url.removeprefix(BASE)).is_file(), url
        assert description.value(distribution, DCTERMS.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )
    assert media_types == {
        "https://www.iana.org/assignments/media-types/" + media_type
        for media_type in ("text/turtle", "application/n-triples", "application/rdf+xml",
                           "application/ld+json", "text/csv")
    }  # fmt: skip


def test_release_metadata_comes_from_publication_yaml(out):
    description = Graph().parse(out / "dataset-description.ttl")
    publication = (CONTENT / "publication.yaml").read_text()
    version = re.search(r'^version: "(.+)"$', publication, re.M)[1]
    release = URIRef(f"{BASE}dataset/{version}")
    assert description.value(DATASET, OWL.versionInfo) == Literal(version)
    assert description.value(DATASET, DCTERMS.issued).datatype == XSD.date
    modified = description.value(DATASET, DCTERMS.modified)
    assert modified.datatype == XSD.date
    # DCAT 3 versioning: the release is a dataset of its own, a version of the dataset
    assert set(description.objects(DATASET, DCAT3.hasVersion)) == {release}
    assert set(description.objects(DATASET, DCAT3.hasCurrentVersion)) == {release}
    assert set(description.triples((release, None, None))) == {
        (release, RDF.type, DCAT.Dataset),
        (release, DCTERMS.isVersionOf, DATASET),
        (release, DCAT3.version, Literal(version)),
        (
            release,
            DCTERMS.title,
            Literal(f"GCTF Good Practices as Linked Data, release {version}", lang="en"),
        ),
        (
            release,
            DCTERMS.description,
            Literal(f"Release {version} of GCTF Good Practices as Linked Data.", lang="en"),
        ),
        (release, DCTERMS.issued, modified),
        (release, DCTERMS.conformsTo, URIRef(f"{BASE}context/{version}.jsonld")),
        # what it changed: its change set, from its record under content/releases/
        (release, GP.changeSet, URIRef(f"{BASE}dataset/{version}/changes")),
    }
    # owl:versionIRI is for ontologies (its domain is owl:Ontology), not for datasets
    whole = Graph().parse(out / "dataset.nt", format="nt")
    assert list(whole.subjects(OWL.versionIRI, None)) == []


def test_the_context_is_also_published_at_the_path_of_its_release(out):
    version = re.search(r'^version: "(.+)"$', (CONTENT / "publication.yaml").read_text(), re.M)[1]
    assert (out / "context" / f"{version}.jsonld").read_bytes() == (
        ontology_file("context.jsonld")
    ).read_bytes()
    assert (out / "context.jsonld").read_bytes() == (
        out / "context" / f"{version}.jsonld"
    ).read_bytes()
    # the release's document is flat, as the description is: the release and what it links to
    document = json.loads((out / "dataset" / f"{version}.jsonld").read_text())
    release = next(n for n in document["@graph"] if n["id"] == f"{BASE}dataset/{version}")
    assert release["conformsTo"] == [f"{BASE}context/{version}.jsonld"]
    assert release["isVersionOf"] == BASE + "dataset"


def test_void_statistics_count_the_dataset_as_published(out):
    description = Graph().parse(out / "dataset-description.ttl")
    whole = Graph().parse(out / "dataset.nt", format="nt")
    lines = (out / "dataset.nt").read_text(encoding="utf-8").splitlines()
    assert description.value(DATASET, VOID.triples).toPython() == len(lines) == len(whole)
    assert description.value(DATASET, VOID.classes).toPython() == len(
        set(whole.objects(None, RDF.type))
    )
    assert description.value(DATASET, VOID.properties).toPython() == len(set(whole.predicates()))
    assert description.value(DATASET, VOID.distinctSubjects).toPython() == len(
        set(whole.subjects())
    )
    vocabularies = {str(v) for v in description.objects(DATASET, VOID.vocabulary)}
    assert {
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/spar/cito/",
        "http://purl.org/dc/terms/",
        "https://w3id.org/gctf-good-practices/def#",
    } <= vocabularies
    for term in set(whole.predicates()) | set(whole.objects(None, RDF.type)):
        assert any(str(term).startswith(v) for v in vocabularies), term
    dumps = {str(d).removeprefix(BASE) for d in description.objects(DATASET, VOID.dataDump)}
    assert dumps == {"dataset.ttl", "dataset.nt", "dataset.rdf", "dataset.jsonld"}


def test_the_description_is_part_of_the_dataset_and_the_same_in_turtle_and_json_ld(out):
    description = Graph().parse(out / "dataset-description.ttl")
    whole = Graph().parse(out / "dataset.ttl")
    # and, for DCAT-AP, the classes of what it links to (licence, media types, standards,
    # publisher) with the publisher's name: statements about other resources, not the dataset's
    ranges = {DCTERMS.LicenseDocument, DCTERMS.MediaType, DCTERMS.Standard, FOAF.Agent}
    about_others = {t for t in description if t[1] == RDF.type and t[2] in ranges}
    about_others |= set(description.triples((None, FOAF.name, None)))
    assert about_others
    assert all(triple in whole for triple in set(description) - about_others)
    as_jsonld = Graph().parse(out / "dataset-description.embedded.jsonld", format="json-ld")
    assert isomorphic(description, as_jsonld)


# --------------------------------------------------------------------------------------------
# README: every command of "Using the data" runs


def using_the_data_blocks() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Using the data\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```(\w+)\n(.*?)^```$", section, flags=re.S | re.M)


def test_the_readme_section_has_shell_and_python_blocks():
    languages = [language for language, _code in using_the_data_blocks()]
    assert languages[0] == "sh" and languages.count("python") >= 3
    assert set(languages) == {"sh", "python"}


def test_every_command_of_using_the_data_runs_against_a_build(out, tmp_path):
    env = {**os.environ, "GP_DATA": out.resolve().as_uri()}
    printed = []
    for language, code in using_the_data_blocks():
        command = (
            ["bash", "-euo", "pipefail", "-c", code]
            if language == "sh"
            else [sys.executable, "-c", code]
        )
        result = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{language} block failed:\n{code}\n{result.stderr}"
        printed.append(result.stdout)
    output = "".join(printed)
    assert (tmp_path / "gp10.jsonld").is_file() and (tmp_path / "dataset.ttl").is_file()
    assert "GP10 Develop mechanisms to disseminate information" in output
    assert f"footnote 15: includesQuotationFrom {BASE}un/s-res-2396-2017" in output
    assert "GP10 quotes S/RES/2396 (2017)" in output
    assert "gp10.jsonld is valid" in output
    assert "GP13 " in output and "GP14 " not in output  # section III is GP9 to GP13


# --------------------------------------------------------------------------------------------
# A resource without a number: the one sort rule (graph.read.order_key) everywhere


@pytest.fixture(scope="module")
def unnumbered(model):
    """The real graph, but GP3 has lost its number (gp:ordinal) and its place (gp:position) and
    footnote 15 its number: the one sort rule puts each after the numbered ones."""
    graph = new_graph()
    graph += model.graph
    for node in (GP3, FN15):
        graph.remove((node, GP.ordinal, None))
    graph.remove((GP3, GP.position, None))
    return graph


GP3, GP10, FN15 = (URIRef(MEMO + key) for key in ("/gp3", "/gp10", "/fn15"))


def test_the_tables_sort_a_resource_without_a_number_by_the_one_rule(unnumbered):
    practices = [row["iri"] for row in csv_rows_of(export.practices_csv(unnumbered))]
    reader = ReadModel(unnumbered)
    section = unnumbered.value(GP3, SKOS.broader)
    in_section = [iri for iri in practices if URIRef(iri) in reader.practices(section)]
    assert in_section == [str(p) for p in reader.practices(section)]
    assert in_section[-1] == str(GP3)
    rows = csv_rows_of(export.citations_csv(unnumbered))
    assert [row["citation"] for row in rows] == [str(c.node) for c in read_citations(unnumbered)]
    gp10 = [row["citation"].rsplit("/", 1)[1] for row in rows if row["citing_unit"] == str(GP10)]
    assert gp10 == ["gp10#citation-1", "fn16#citation-1",
                    "fn15#citation-1", "fn15#citation-2", "fn15#citation-3"]  # fmt: skip


def test_json_ld_sorts_a_resource_without_a_number_by_the_one_rule(unnumbered):
    reader = ReadModel(unnumbered)
    section = unnumbered.value(GP3, SKOS.broader)
    export.stats.reset()
    document = export.resource_document(unnumbered, str(section))
    assert export.stats.pyld == 0
    assert [p["id"] for p in document["narrower"]] == [str(p) for p in reader.practices(section)]
    gp10 = export.resource_document(unnumbered, MEMO + "/gp10")
    assert [f["id"] for f in gp10["footnotes"]] == [str(f) for f in reader.footnotes(GP10)]
    assert gp10["footnotes"][-1]["id"] == str(FN15)


def test_fidelity_reports_a_resource_without_a_number_without_crashing(unnumbered, model):
    memo = model.content.memoranda[0]
    problems = check_fidelity(unnumbered, URIRef(MEMO), memo.source, memo.headings)
    messages = [problem.message for problem in problems]
    assert any(message.startswith("gp3, heading") for message in messages), messages
    assert any(message.startswith("footnote 15 of the source") for message in messages), messages
