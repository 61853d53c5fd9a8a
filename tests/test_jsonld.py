"""JSON-LD that standards bodies can consume without reading our code (issue 4).

Every JSON-LD file of a build is read by three independent processors (rdflib, pyld,
pyoxigraph) and must give the graph of its Turtle twin; it survives expand → compact → frame
unchanged; it validates against the published JSON Schema; no processor needs the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pyoxigraph
import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF

from goodpractice import export
from goodpractice.build import build

from .conftest import BASE, CONTENT, MEMO

# rdflib's own JSON-LD parser warns about its internals; the warnings are not about our data
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("jsonld") / "build"
    build(CONTENT, folder)
    return folder


@pytest.fixture(scope="module")
def published(model) -> Graph:
    return export.published_graph(model.graph)


def jsonld_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.jsonld") if p.name != "context.jsonld")


def turtle_twin(path: Path) -> Path:
    """``x.jsonld`` and ``x.embedded.jsonld`` hold the triples of ``x.ttl``."""
    stem = path.name.removesuffix(".jsonld").removesuffix(".embedded")
    return path.with_name(stem + ".ttl")


def with_local_context(document: dict) -> dict:
    """What an offline consumer does with a document that references the context by IRI."""
    if document["@context"] == export.CONTEXT_IRI:
        return {**document, "@context": export.load_context()["@context"]}
    return document


def by_rdflib(document: dict) -> Graph:
    return Graph().parse(data=json.dumps(with_local_context(document)), format="json-ld")


def by_pyld(document: dict) -> Graph:
    nquads = jsonld.to_rdf(
        document,
        {"format": "application/n-quads", "documentLoader": export.offline_document_loader},
    )
    return Graph().parse(data=nquads, format="nt")  # pyld writes the default graph only


def by_pyoxigraph(document: dict) -> Graph:
    data = json.dumps(with_local_context(document)).encode("utf-8")
    quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD)
    return Graph().parse(
        data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads), format="nt"
    )


def difference(expected: Graph, found: Graph) -> str:
    _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(found))
    return f"missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]}"


# --------------------------------------------------------------------------------------------
# Same graph everywhere


def test_the_build_writes_a_document_for_every_resource_in_both_forms(out, published):
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    for iri in export.resource_iris(published, BASE):
        path = export.resource_path(str(iri), BASE)
        assert {f"{path}.jsonld", f"{path}.embedded.jsonld", f"{path}.ttl"} <= written, iri
    assert {
        "rabat-washington.jsonld",
        "rabat-washington/gp10.jsonld",
        "rabat-washington/gp10.ttl",
        "rabat-washington/section-3.jsonld",
        "rabat-washington/fn15.jsonld",
        "rabat-washington/glossary/prevention.jsonld",
        "un/s-res-2396-2017.jsonld",
        "un/s-res-2396-2017.ttl",
        "org/gifct.jsonld",
        "initiative/address-homegrown-terrorism.jsonld",
        "hague-marrakech/gp7.jsonld",
        "dataset.jsonld",
        "dataset.embedded.jsonld",
        "dataset-description.jsonld",
        "dataset-description.ttl",
        "context.jsonld",
        "jsonld.schema.json",
    } <= written


@pytest.mark.parametrize(
    "reader", [by_rdflib, by_pyld, by_pyoxigraph], ids=["rdflib", "pyld", "pyoxigraph"]
)
def test_every_jsonld_file_gives_the_graph_of_its_turtle_twin(out, reader):
    files = jsonld_files(out)
    assert len(files) > 200
    wrong = []
    for path in files:
        expected = Graph().parse(turtle_twin(path), format="turtle")
        found = reader(json.loads(path.read_text(encoding="utf-8")))
        if len(expected) == 0 or not isomorphic(expected, found):
            wrong.append(f"{path.relative_to(out)}: {difference(expected, found)}")
    assert wrong == []


def test_the_whole_dataset_is_the_same_graph_in_every_format(out):
    turtle = Graph().parse(out / "dataset.ttl", format="turtle")
    for name, fmt in (("dataset.nt", "nt"), ("dataset.rdf", "xml")):
        assert isomorphic(turtle, Graph().parse(out / name, format=fmt)), name
    assert isomorphic(turtle, by_pyld(json.loads((out / "dataset.jsonld").read_text())))


def test_a_resource_document_holds_the_resource_its_parts_and_their_citations(out, published):
    gp10 = Graph().parse(out / "rabat-washington/gp10.ttl")
    subjects = {str(s).removeprefix(MEMO + "/") for s in gp10.subjects()}
    assert subjects == {
        "gp10", "gp10#citation-1",
        "fn15", "fn15#citation-1", "fn15#citation-2", "fn15#citation-3",
        "fn16", "fn16#citation-1",
    }  # fmt: skip
    # and every triple of those subjects, nothing else
    for s in gp10.subjects():
        assert set(published.triples((s, None, None))) == set(gp10.triples((s, None, None)))


def test_the_memorandum_document_is_the_whole_memorandum(out, published):
    memorandum = Graph().parse(out / "rabat-washington.ttl")
    parts = {s for s in published.subjects() if str(s).startswith(MEMO)}
    assert set(memorandum.subjects()) == parts


# --------------------------------------------------------------------------------------------
# Shape: nesting and order


def walk(node, found: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """(type, node) for every nested node, in the order the JSON gives them."""
    if isinstance(node, dict):
        if "id" in node and "type" in node:
            found.append((node["type"], node))
        for value in node.values():
            walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)
    return found


def types_of(node: dict) -> list[str]:
    return node["type"] if isinstance(node["type"], list) else [node["type"]]


def test_the_memorandum_nests_sections_practices_footnotes_and_citations_in_source_order(out):
    document = json.loads((out / "rabat-washington.jsonld").read_text())
    assert document["id"] == MEMO
    assert [s["notation"] for s in document["hasTopConcept"]] == ["I", "II", "III", "IV", "V"]
    section_3 = document["hasTopConcept"][2]
    assert [p["notation"] for p in section_3["narrower"]] == [f"GP{n}" for n in range(9, 14)]
    nodes = [node for _types, node in walk(document, [])]
    practices = [n["notation"] for n in nodes if "GoodPractice" in types_of(n)]
    assert practices == [f"GP{n}" for n in range(1, 20)]
    # depth first, footnotes come in the order the source prints their markers
    footnotes = [n["ordinal"] for n in nodes if "Footnote" in types_of(n)]
    assert footnotes == list(range(1, 28))
    terms = [n["label"] for n in document["hasPart"][0]["hasTopConcept"]]
    assert terms[:2] == ["homegrown terrorism", "prevention"]


def test_a_practice_document_carries_its_footnotes_and_typed_citations(published):
    document = export.resource_document(published, MEMO + "/gp10")
    assert document["@context"] == export.CONTEXT_IRI
    assert document["notation"] == "GP10"
    assert document["broader"] == MEMO + "/section-3"
    assert [f["ordinal"] for f in document["footnotes"]] == [15, 16]
    quotation = document["footnotes"][0]["citations"][1]
    assert quotation == {
        "id": MEMO + "/fn15#citation-2",
        "type": "Citation",
        "ordinal": 2,
        "characterization": "includesQuotationFrom",
        "citedEntity": BASE + "un/s-res-2396-2017",
        "citingEntity": MEMO + "/gp10",
        "citingWords": "United Nations Security Council Resolution 2396 calls upon",
        "derivedFrom": MEMO + "/fn15",
    }
    assert BASE + "un/s-res-2396-2017" in document["includesQuotationFrom"]
    assert BASE + "un/s-res-2396-2017" in document["cites"]


def test_resource_document_can_embed_the_context_for_a_web_page(published):
    document = export.resource_document(published, BASE + "un/s-res-2396-2017", embed_context=True)
    assert document["@context"] == export.load_context()["@context"]
    assert document["identifier"] == "S/RES/2396 (2017)"
    assert set(types_of(document)) == {"Resolution", "BibliographicResource"}


def test_texts_are_english_by_the_context_and_codes_are_not():
    context = export.load_context()["@context"]
    assert context["@language"] == "en"
    for term in ("notation", "identifier", "version", "versionInfo", "uriSpace"):
        assert context[term]["@language"] is None, term
    graph = Graph().parse(
        data=json.dumps({**{"@context": context}, "id": MEMO, "notation": "X", "label": "Y"}),
        format="json-ld",
    )
    assert {o.language for o in graph.objects()} == {None, "en"}


def test_the_context_has_a_readable_term_for_every_property_and_class_the_data_uses(published):
    context = export.load_context()["@context"]
    expanded = set()
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        iri = (
            definition
            if isinstance(definition, str)
            else definition.get("@id") or definition.get("@reverse")
        )
        prefix, _, local = iri.partition(":")
        expanded.add(
            context[prefix] + local
            if prefix in context and isinstance(context[prefix], str)
            else iri
        )
    used = set(published.predicates()) | set(published.objects(None, RDF.type))
    used |= set(
        published.objects(None, URIRef("http://purl.org/spar/cito/hasCitationCharacterization"))
    )
    assert sorted(str(u) for u in used if str(u) not in expanded) == [str(RDF.type)]  # "type"


# --------------------------------------------------------------------------------------------
# Round trip and offline use


def test_expanding_compacting_and_framing_our_output_again_returns_it_unchanged(out, published):
    order = export.source_order(published)
    context = export.load_context()
    options = {"documentLoader": export.offline_document_loader}
    changed = []
    for path in jsonld_files(out):
        document = json.loads(path.read_text(encoding="utf-8"))
        expanded = jsonld.expand(document, options)
        compacted = jsonld.compact(expanded, context, options)
        frame = {} if "@graph" in document else export.resource_frame(published, document["id"])
        again = export.frame_document(
            compacted, frame, order, embed_context=isinstance(document["@context"], dict)
        )
        if again != document:
            changed.append(str(path.relative_to(out)))
    assert changed == []


def test_no_processor_needs_the_network(out):
    def refuse(url, options=None):
        raise AssertionError(f"tried to fetch {url}")

    document = json.loads((out / "rabat-washington/gp10.embedded.jsonld").read_text())
    assert jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse})
    with pytest.raises(jsonld.JsonLdError):
        export.offline_document_loader("https://example.org/other-context.jsonld")
    loaded = export.offline_document_loader(export.CONTEXT_IRI)
    assert loaded["document"] == json.loads((out / "context.jsonld").read_text())


def test_documents_reference_the_context_by_its_published_iri(out):
    assert export.CONTEXT_IRI == "https://w3id.org/gctf-good-practices/context.jsonld"
    for path in jsonld_files(out):
        context = json.loads(path.read_text())["@context"]
        if path.name.endswith(".embedded.jsonld"):
            assert context == export.load_context()["@context"], path
        else:
            assert context == export.CONTEXT_IRI, path


def test_another_base_iri_moves_the_data_not_the_vocabulary(tmp_path):
    other = "https://example.org/gp/"
    build(CONTENT, tmp_path / "build", other)
    document = json.loads((tmp_path / "build/rabat-washington/gp10.jsonld").read_text())
    assert document["id"] == other + "rabat-washington/gp10"
    assert document["@context"] == export.CONTEXT_IRI
    description = Graph().parse(tmp_path / "build/dataset-description.ttl")
    downloads = {
        str(o) for o in description.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))
    }
    assert other + "dataset.ttl" in downloads


# --------------------------------------------------------------------------------------------
# JSON Schema


def test_the_json_schema_is_valid_2020_12_and_published(out):
    schema = export.load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == export.SCHEMA_IRI
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads((out / "jsonld.schema.json").read_text()) == schema


def test_every_jsonld_file_validates_against_the_json_schema(out):
    validator = jsonschema.Draft202012Validator(export.load_schema())
    invalid = []
    for path in jsonld_files(out):
        error = jsonschema.exceptions.best_match(
            validator.iter_errors(json.loads(path.read_text()))
        )
        if error is not None:
            invalid.append(f"{path.relative_to(out)}: {error.message[:200]}")
    assert invalid == []


def test_the_json_schema_covers_every_term_and_rejects_unknown_keys(out):
    schema = export.load_schema()
    context = export.load_context()["@context"]
    properties = set(schema["$defs"]["nodeFields"]["properties"])
    classes = set(schema["$defs"]["class"]["enum"])
    for term, definition in context.items():
        if term.startswith("@") or (
            isinstance(definition, str) and definition.endswith(("#", "/"))
        ):
            continue  # keywords and prefixes
        assert term in (classes if term[0].isupper() else properties), term
    validator = jsonschema.Draft202012Validator(schema)
    document = json.loads((out / "rabat-washington/gp10.jsonld").read_text())
    document["footnotes"][0]["lable"] = "a typo"
    assert not validator.is_valid(document)
    document = json.loads((out / "rabat-washington/gp10.jsonld").read_text())
    document["ordinal"] = "10"
    assert not validator.is_valid(document)
