"""Outside profiles: the dataset description against DCAT-AP 3.0.1, the VocPub documents against
the VocPub validator (v5.6), both with pySHACL and the profiles' own shapes (kept unchanged in
../shared/external/); and content negotiation by profile through real HTTP requests to
`goodpractice serve`'s handler (the Apache and nginx configurations: tests/test_deploy.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from goodpractice import serve
from goodpractice.check import check_fidelity
from goodpractice.export.vocpub import missing_facts
from goodpractice.serve.negotiation import (
    choose_profile,
    parse_accept_profile,
    requested_profiles,
)
from goodpractice.vocab import EDITION_PROFILE, PROFILES, SCHEMA, VOCPUB_PROFILE

from .conftest import BASE, CONTENT, http_get
from .needs import unavailable

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "external"
RW = URIRef(BASE + "rabat-washington")
GCTF = URIRef(BASE + "org/gctf")
VOCPUB = VOCPUB_PROFILE.iri


def external(path: str) -> Graph:
    file = EXTERNAL / path
    if not file.is_file():
        unavailable(f"needs {file}: the profiles' shapes are kept in ../shared/external/")
    return Graph().parse(file)


def violations(data: Graph, shapes: Graph) -> list[str]:
    """One line per violation (warnings are not violations)."""
    _conforms, report, _text = validate(data, shacl_graph=shapes)
    sh = "http://www.w3.org/ns/shacl#"
    return sorted(
        f"{report.value(r, URIRef(sh + 'focusNode'))} {report.value(r, URIRef(sh + 'resultPath'))}"
        f": {report.value(r, URIRef(sh + 'resultMessage'))}"
        for r in report.subjects(URIRef(sh + "resultSeverity"), URIRef(sh + "Violation"))
    )


# --------------------------------------------------------------------------------------------
# DCAT-AP 3.0.1


@pytest.mark.parametrize("shapes", ["dcat-ap/shapes.ttl", "dcat-ap/range.ttl"])
def test_every_dataset_description_conforms_to_dcat_ap(out, shapes):
    shapes_graph = external(shapes)
    descriptions = sorted(out.rglob("dataset-description*.ttl"))
    descriptions += sorted(out.rglob("dataset-description*.embedded.jsonld"))
    # the current release's own document, dataset/<version>.* (an earlier release's files
    # there are its data, as dataset.* is the current data)
    descriptions += [out / "dataset/0.1.0.ttl", out / "dataset/0.1.0.embedded.jsonld"]
    assert out / "dataset-description.ttl" in descriptions
    for file in descriptions:
        data = Graph().parse(file, format="json-ld" if file.suffix == ".jsonld" else "turtle")
        assert violations(data, shapes_graph) == [], file.relative_to(out)


def test_the_description_states_the_classes_dcat_ap_expects_and_the_release_its_title(out):
    description = Graph().parse(out / "dataset-description.ttl")
    release = URIRef(BASE + "dataset/0.1.0")
    assert (URIRef("https://creativecommons.org/licenses/by/4.0/"), RDF.type,
            DCTERMS.LicenseDocument) in description  # fmt: skip
    assert (URIRef("https://www.iana.org/assignments/media-types/text/turtle"), RDF.type,
            DCTERMS.MediaType) in description  # fmt: skip
    assert (URIRef(BASE + "context/0.1.0.jsonld"), RDF.type, DCTERMS.Standard) in description
    assert (URIRef(BASE + "org/gctf-good-practices-project"),
            URIRef("http://xmlns.com/foaf/0.1/name"),
            Literal("GCTF Good Practices as Linked Data project", lang="en")) in description  # fmt: skip
    assert description.value(release, DCTERMS.title) == Literal(
        "GCTF Good Practices as Linked Data, release 0.1.0", lang="en"
    )
    assert description.value(release, DCTERMS.description) == Literal(
        "Release 0.1.0 of GCTF Good Practices as Linked Data.", lang="en"
    )


# --------------------------------------------------------------------------------------------
# VocPub


def test_each_memorandum_and_glossary_has_a_vocpub_document_the_validator_accepts(out):
    shapes = external("vocpub/validator.ttl")
    documents = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.vocpub.ttl"))
    assert documents == ["rabat-washington.vocpub.ttl", "rabat-washington/glossary.vocpub.ttl"]
    for name in documents:
        assert violations(Graph().parse(out / name), shapes) == [], name


def test_the_vocpub_document_takes_every_fact_from_the_content(out, model):
    vocab = Graph().parse(out / "rabat-washington.vocpub.ttl")
    assert list(vocab.subjects(RDF.type, SKOS.ConceptScheme)) == [RW]
    assert vocab.value(RW, DCTERMS.created) == Literal("2018-09-26", datatype=XSD.date)
    # the memorandum's dcterms:modified (its last release that changed it), else the publication's
    publication = (CONTENT / "publication.yaml").read_text(encoding="utf-8")
    modified = publication.split("\nmodified: ", 1)[1].split("\n", 1)[0]
    expected = model.graph.value(RW, DCTERMS.modified) or Literal(modified, datatype=XSD.date)
    assert vocab.value(RW, DCTERMS.modified) == expected
    assert (
        set(vocab.objects(RW, DCTERMS.creator))
        == {GCTF}
        == set(vocab.objects(RW, DCTERMS.publisher))
    )
    assert set(vocab.triples((GCTF, None, None))) == {
        (GCTF, RDF.type, SCHEMA.Organization),
        (GCTF, SCHEMA.name, Literal("Global Counterterrorism Forum", lang="en")),
        (GCTF, SCHEMA.url, Literal("https://www.thegctf.org", datatype=XSD.anyURI)),
    }
    sections = sorted(vocab.objects(RW, SKOS.hasTopConcept))
    assert len(sections) == 5
    glossary = Graph().parse(out / "rabat-washington/glossary.vocpub.ttl")
    scheme = URIRef(BASE + "rabat-washington/glossary")
    assert list(glossary.subjects(RDF.type, SKOS.ConceptScheme)) == [scheme]
    assert glossary.value(scheme, DCTERMS.created) == Literal("2018-09-26", datatype=XSD.date)


def test_sections_get_a_definition_from_the_structure_marked_as_the_editions(model):
    section = URIRef(BASE + "rabat-washington/section-3")
    assert set(model.graph.objects(section, SKOS.definition)) == {
        Literal(
            "Section III of the Rabat – Washington Good Practices, under the heading "
            '"Detection", which holds Good Practices 9 to 13.',
            lang="en",
        )
    }
    notes = {str(n) for n in model.graph.objects(section, SKOS.editorialNote)}
    assert any(n.startswith("The definition of this section is this edition's") for n in notes)


def test_fidelity_does_not_compare_the_editions_definitions(model):
    graph = Graph()
    graph += model.graph
    for node in (URIRef(BASE + "rabat-washington/section-2"), RW):
        graph.remove((node, SKOS.definition, None))
        graph.add((node, SKOS.definition, Literal("Anything the edition writes.", lang="en")))
    memo = next(m for m in model.content.memoranda if m.key == "rabat-washington")
    assert check_fidelity(graph, RW, memo.source, memo.headings) == []


def test_a_missing_website_is_named_as_a_warning(model):
    assert missing_facts(model.graph, model.locations) == []
    graph = Graph()
    graph += model.graph
    graph.remove((GCTF, SCHEMA.url, None))
    graph.remove((RW, DCTERMS.issued, None))
    [issued, glossary_issued, website] = missing_facts(graph, model.locations)
    assert glossary_issued.split(": ", 1)[1].startswith("rabat-washington/glossary.vocpub.ttl: ")
    assert issued.endswith(
        "memorandum.yaml:1: rabat-washington.vocpub.ttl: the memorandum has no issue date (issued), "
        "so the VocPub document has no created date, which VocPub requires."
    )
    assert website.endswith(
        "organisations.yaml:5: org/gctf has no website (url), which VocPub requires of every "
        "organisation a vocabulary names: rabat-washington.vocpub.ttl and 1 more."
    )


def test_the_build_prints_the_missing_facts_as_warnings(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    organisations = content / "catalogue" / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    organisations.write_text(text.replace("  url: https://www.thegctf.org\n", ""), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "goodpractice", "build", "--no-site", "--content", str(content),
         "--out", str(tmp_path / "build")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        "goodpractice: warning: content/catalogue/organisations.yaml:5: org/gctf has no website"
    ) in result.stderr
    assert (tmp_path / "build" / "rabat-washington.vocpub.ttl").is_file()


# --------------------------------------------------------------------------------------------
# Content negotiation by profile


def test_profiles_are_chosen_by_token_or_iri_in_order_of_preference():
    assert parse_accept_profile(f"<urn:a>;q=0.5, <{VOCPUB}>, <urn:b>;q=0") == [VOCPUB, "urn:a"]
    assert requested_profiles("vocpub", f"<{EDITION_PROFILE.iri}>") == ["vocpub"]
    assert requested_profiles(None, None) is None
    assert choose_profile(None, list(PROFILES)) == EDITION_PROFILE
    assert choose_profile(["urn:a", VOCPUB], list(PROFILES)) == VOCPUB_PROFILE
    assert choose_profile(["vocpub"], [EDITION_PROFILE]) is None


@pytest.fixture(scope="module")
def port(built_site):
    server = serve.make_server(built_site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    return http_get(port, path, {k.replace("_", "-"): v for k, v in headers.items()})


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/rabat-washington?_profile=vocpub&_mediatype=text/turtle", {}),
        ("/rabat-washington/?_profile=vocpub", {"Accept": "text/html,*/*;q=0.8"}),
        ("/rabat-washington", {"Accept_Profile": f"<urn:x>;q=0.2, <{VOCPUB}>"}),
    ],
)
def test_serve_answers_the_vocpub_document_by_profile(port, built_site, path, headers):
    status, answer, body = get(port, path, **headers)
    assert status == 200
    assert answer["content-type"] == "text/turtle; charset=utf-8"
    assert answer["content-profile"] == f"<{VOCPUB}>"
    assert answer["content-location"] == "/rabat-washington.vocpub.ttl"
    assert body == (built_site / "rabat-washington.vocpub.ttl").read_bytes()
    assert [v.strip() for v in answer["vary"].split(",")] == ["Accept", "Accept-Profile"]
    link = answer["link"]
    assert link.startswith(f'<{VOCPUB}>; rel="profile", ')
    assert f'token="vocpub"; anchor=<{VOCPUB}>' in link
    assert (
        '</rabat-washington?_profile=vocpub&_mediatype=text/turtle>; rel="self"; '
        f'type="text/turtle"; profile="{VOCPUB}"'
    ) in link


def test_the_default_answer_of_a_resource_with_two_profiles_lists_both(port, built_site):
    status, answer, body = get(port, "/rabat-washington/glossary", Accept="text/turtle")
    assert status == 200
    assert body == (built_site / "rabat-washington/glossary.ttl").read_bytes()
    assert answer["content-profile"] == f"<{EDITION_PROFILE.iri}>"
    assert (
        '</rabat-washington/glossary?_profile=vocpub&_mediatype=text/turtle>; rel="alternate"; '
        f'type="text/turtle"; profile="{VOCPUB}"'
    ) in answer["link"]
    # a resource with one profile keeps its plain answer
    status, answer, _ = get(port, "/rabat-washington/gp10", Accept="text/turtle")
    assert status == 200 and "link" not in answer and answer["vary"] == "Accept"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/rabat-washington?_profile=nosuch", {}),
        ("/rabat-washington/gp10?_profile=vocpub", {"Accept": "text/turtle"}),
        ("/rabat-washington", {"Accept_Profile": "<urn:example:nosuch>"}),
    ],
)
def test_a_profile_the_resource_does_not_have_gets_406_with_the_list(port, path, headers):
    status, answer, body = get(port, path, **headers)
    assert status == 406
    text = body.decode("utf-8")
    assert f"text/turtle, profile gp: {EDITION_PROFILE.iri}" in text
    assert f'token="gp"; anchor=<{EDITION_PROFILE.iri}>' in answer["link"]
    if path.startswith("/rabat-washington?") or "Accept_Profile" in headers:
        assert f"text/turtle, profile vocpub: {VOCPUB}" in text
        assert 'href="/rabat-washington.vocpub.ttl"' in text


def test_the_alternates_list_is_had_with_profile_alt(port):
    status, answer, body = get(port, "/rabat-washington?_profile=alt")
    assert status == 200
    assert answer["content-type"].startswith("text/html")
    assert (
        b'href="/rabat-washington.vocpub.ttl"' in body and b'href="/rabat-washington.ttl"' in body
    )
