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
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, SKOS, VOID, XSD

from goodpractice import export
from goodpractice.iris import CONTEXT_IRI, SCHEMA_FILE, SCHEMA_IRI, resource_path
from goodpractice.pipeline import build

from .conftest import BASE, CONTENT, MEMO

# rdflib's own JSON-LD parser warns about its internals; the warnings are not about our data
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def published(model) -> Graph:
    return export.published_graph(model.graph)


def jsonld_files(out: Path) -> list[Path]:
    """Every JSON-LD document the build writes, not the context (context.jsonld, context/…)."""
    return sorted(
        p
        for p in out.rglob("*.jsonld")
        if p.name != "context.jsonld" and p.relative_to(out).parts[0] != "context"
    )


def turtle_twin(path: Path) -> Path:
    """``x.jsonld`` and ``x.embedded.jsonld`` hold the triples of ``x.ttl``."""
    stem = path.name.removesuffix(".jsonld").removesuffix(".embedded")
    return path.with_name(stem + ".ttl")


def with_local_context(document: dict) -> dict:
    """What an offline consumer does with a document that references the context by IRI."""
    if document["@context"] == CONTEXT_IRI:
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
        path = resource_path(str(iri), BASE)
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
    assert document["@context"] == CONTEXT_IRI
    assert document["notation"] == "GP10"
    assert document["broader"] == [MEMO + "/section-3"]  # an @set: SKOS allows several
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
        "derivedFrom": [MEMO + "/fn15"],
        # the date of the release that last changed it (content/releases/)
        "modified": {"@value": "2026-11-24", "type": "xsd:date"},
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
    loaded = export.offline_document_loader(CONTEXT_IRI)
    assert loaded["document"] == json.loads((out / "context.jsonld").read_text())


def test_documents_reference_the_context_by_its_published_iri(out):
    assert CONTEXT_IRI == "https://w3id.org/gctf-good-practices/context.jsonld"
    for path in jsonld_files(out):
        context = json.loads(path.read_text())["@context"]
        if path.name.endswith(".embedded.jsonld"):
            assert context == export.load_context()["@context"], path
        else:
            assert context == CONTEXT_IRI, path


def test_another_base_iri_moves_the_data_not_the_vocabulary(tmp_path):
    other = "https://example.org/gp/"
    build(CONTENT, tmp_path / "build", other)
    document = json.loads((tmp_path / "build/rabat-washington/gp10.jsonld").read_text())
    assert document["id"] == other + "rabat-washington/gp10"
    assert document["@context"] == CONTEXT_IRI
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
    assert schema["$id"] == SCHEMA_IRI
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


# --------------------------------------------------------------------------------------------
# JSON Schema: what it rejects, and where


def schema_errors(document: dict, base_iri: str | None = None) -> list[tuple[list, str]]:
    """(path in the document, failing keyword) of every error, sorted."""
    validator = jsonschema.Draft202012Validator(export.load_schema(base_iri))
    found = {(tuple(e.absolute_path), e.validator) for e in validator.iter_errors(document)}
    return sorted(([*path], keyword) for path, keyword in found)


def missing_keys(document: dict) -> set[str]:
    validator = jsonschema.Draft202012Validator(export.load_schema())
    return {
        e.message.split("'")[1]
        for e in validator.iter_errors(document)
        if e.validator in ("required", "dependentRequired") and list(e.absolute_path) == []
    }


@pytest.fixture(scope="module")
def gp10(out) -> dict:
    return json.loads((out / "rabat-washington/gp10.jsonld").read_text())


def test_the_schema_rejects_a_node_outside_the_base_iri():
    document = {"@context": CONTEXT_IRI, "id": "https://evil.example/x",
                "type": "Organization", "label": "Evil"}  # fmt: skip
    assert schema_errors(document) == [(["id"], "pattern")]
    document["id"] = BASE + "org/evil"
    assert schema_errors(document) == []


def test_the_schema_rejects_an_empty_dataset():
    assert schema_errors({"@context": CONTEXT_IRI, "@graph": []}) == [(["@graph"], "minItems")]
    assert schema_errors({"@context": CONTEXT_IRI}) == [([], "required")]


def test_the_schema_requires_what_the_shapes_require_of_each_class():
    practice = {"@context": CONTEXT_IRI, "id": MEMO + "/gp99",
                "type": ["Concept", "GoodPractice"]}  # fmt: skip
    assert missing_keys(practice) == {"notation", "label", "inScheme", "ordinal"}
    # an encoded practice (it has a section) has all of its text, a cited one none of it
    cited = {**practice, "notation": "GP99", "label": "A practice", "ordinal": 99,
             "inScheme": [BASE + "hague-marrakech"]}  # fmt: skip
    assert schema_errors(cited) == []
    assert missing_keys({**cited, "broader": [MEMO + "/section-3"]}) == {
        "definition", "position", "markedTitle", "markedText",
    }  # fmt: skip
    for kind, required in {
        "Section": {"notation", "label", "inScheme", "topConceptOf", "ordinal", "position",
                    "markedTitle"},
        "Footnote": {"label", "ordinal", "attachedTo", "isPartOf", "text", "markedText"},
        "Citation": {"ordinal", "characterization", "citedEntity", "citingEntity",
                     "citingWords", "derivedFrom"},
        "Resolution": {"label", "identifier", "url"},
        "Organization": {"label"},
        "Distribution": {"title", "mediaType", "downloadURL", "accessURL", "license"},
        "Glossary": {"label", "isPartOf", "hasTopConcept"},
    }.items():  # fmt: skip
        node = {"@context": CONTEXT_IRI, "id": BASE + "x", "type": kind}
        assert missing_keys(node) == required, kind


def test_the_schema_rejects_an_embedded_context_that_is_not_ours(gp10):
    context = export.load_context()["@context"]
    assert export.load_schema()["$defs"]["context"]["const"] == context
    assert schema_errors({**gp10, "@context": context}) == []
    french = {**gp10, "@context": {**context, "@language": "fr"}}
    assert schema_errors(french) == [(["@context"], "const")]
    hijacked = {**gp10, "@context": {**context, "label": "http://evil/"}}
    assert schema_errors(hijacked) == [(["@context"], "const")]
    assert schema_errors({**gp10, "@context": "https://evil.example/context.jsonld"}) == [
        (["@context"], "const")
    ]


def test_the_schema_rejects_citations_that_are_not_nested_citation_nodes(gp10):
    footnote = {**gp10["footnotes"][0], "citations": ["http://x"]}
    document = {**gp10, "footnotes": [footnote, *gp10["footnotes"][1:]]}
    assert schema_errors(document) == [(["footnotes", 0, "citations", 0], "type")]
    assert schema_errors({**gp10, "citations": ["http://x"]}) == [(["citations", 0], "type")]


def test_the_schema_checks_value_formats(gp10, out):
    assert schema_errors({**gp10, "notation": "GP-10"}) == [(["notation"], "pattern")]
    assert schema_errors({**gp10, "broader": MEMO + "/section-3"}) == [(["broader"], "type")]
    memorandum = json.loads((out / "rabat-washington.jsonld").read_text())
    sections = [dict(s) for s in memorandum["hasTopConcept"]]
    sections[2]["notation"] = "3"
    assert schema_errors({**memorandum, "hasTopConcept": sections}) == [
        (["hasTopConcept", 2, "notation"], "pattern")
    ]
    assert schema_errors(
        {**memorandum, "issued": {"type": "xsd:date", "@value": "2018-13-01"}}
    ) == [(["issued", "@value"], "pattern")]
    assert schema_errors({**memorandum, "issued": {"type": "xsd:gYear", "@value": "2018"}}) == []
    assert schema_errors({**memorandum, "issued": "2018-09-01"}) == [(["issued"], "type")]
    resolution = json.loads((out / "un/s-res-2396-2017.jsonld").read_text())
    assert schema_errors(resolution) == []
    assert schema_errors({**resolution, "identifier": "Resolution 2396"}) == [
        (["identifier"], "pattern")
    ]
    description = json.loads((out / "dataset-description.jsonld").read_text())
    distribution = next(n for n in description["@graph"] if n.get("type") == "Distribution")
    assert schema_errors({"@context": description["@context"], **distribution}) == []
    wrong = "http://www.iana.org/assignments/media-types/text/turtle"
    assert schema_errors(
        {"@context": description["@context"], **distribution, "mediaType": wrong}
    ) == [(["mediaType"], "pattern")]


def test_a_build_with_another_base_iri_writes_a_schema_for_its_own_iris(tmp_path):
    other = "https://example.org/gp/"
    build(CONTENT, tmp_path / "build", other)
    schema = json.loads((tmp_path / "build" / SCHEMA_FILE).read_text())
    assert schema == export.load_schema(other) != export.load_schema()
    document = json.loads((tmp_path / "build/rabat-washington/gp10.jsonld").read_text())
    assert schema_errors(document, other) == []
    assert (["id"], "pattern") in schema_errors(document)


# --------------------------------------------------------------------------------------------
# The shape of a term does not depend on the data


def test_only_terms_the_shapes_cap_at_one_value_are_single_valued():
    """Every other property term is an @set, so its JSON is an array however many values."""
    context = export.load_context()["@context"]
    single = {
        term
        for term, definition in context.items()
        if isinstance(definition, dict) and "@id" in definition
        and definition.get("@container") != "@set"
    } | {term for term, d in context.items()
         if isinstance(d, str) and not d.startswith("@") and term[0].islower()
         and not d.endswith(("#", "/"))}  # fmt: skip
    assert single == {
        # capped by ontology/shapes.ttl for every class that carries them
        "notation", "label", "definition", "historyNote", "title", "identifier", "issued",
        "source", "isPartOf", "url", "generatedBy", "introduction", "conclusion", "ordinal",
        "position", "markedTitle", "markedText", "text", "attachedTo", "citingWords",
        "citingEntity", "citedEntity", "characterization", "bibliographicCitation",
        # the dataset description, one value each (DatasetShape, or written by export/description.py)
        "modified", "created", "rights", "license", "version", "versionInfo", "versionIRI",
        "hasCurrentVersion", "isVersionOf", "mediaType", "downloadURL", "accessURL", "triples",
        "classes", "properties", "distinctSubjects", "uriSpace",
        # releases, one value each (releases/publish.py, the content's deprecation fields)
        "deprecated", "previousVersion", "byteSize", "checksum", "algorithm", "checksumValue",
        "date", "fromRelease", "toRelease", "changedResource", "changedProperty",
        "contractPart", "contractTerm", "changeKind",
    }  # fmt: skip


def test_set_terms_are_arrays_in_every_document(out):
    context = export.load_context()["@context"]
    sets = {t for t, d in context.items() if isinstance(d, dict) and d.get("@container") == "@set"}
    wrong = []

    def check(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    continue
                if key in sets and not isinstance(value, list):
                    wrong.append(f"{path}: {key}")
                check(value, path)
        elif isinstance(node, list):
            for value in node:
                check(value, path)

    for path in jsonld_files(out):
        check(json.loads(path.read_text()), path.name)
    assert wrong == []


def test_citation_types_expand_in_the_cito_namespace_even_when_unknown():
    context = export.load_context()["@context"]
    document = {"@context": context, "id": MEMO + "/gp1#citation-9",
                "characterization": ["includesQuotationFrom", "citesAsDataSource"]}  # fmt: skip
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    cito = "http://purl.org/spar/cito/"
    assert set(graph.objects(None, URIRef(cito + "hasCitationCharacterization"))) == {
        URIRef(cito + "includesQuotationFrom"),
        URIRef(cito + "citesAsDataSource"),
    }


def test_the_context_is_protected():
    context = export.load_context()["@context"]
    assert context["@protected"] is True
    redefining = {"@context": [CONTEXT_IRI, {"label": "http://evil/"}],
                  "id": MEMO, "label": "x"}  # fmt: skip
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(redefining, {"documentLoader": export.offline_document_loader})


# --------------------------------------------------------------------------------------------
# pyld is the oracle of every framed document


def normalised(value):
    """JSON-LD arrays are sets here (the context has no @list): compare them sorted."""
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((normalised(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def pyld_frame(triples: Graph, frame: dict) -> dict:
    """pyld alone: its own N-Quads reader, its own framing with our frame and context."""
    expanded = jsonld.from_rdf(triples.serialize(format="nt"), {"format": "application/n-quads",
                                                                "useNativeTypes": True})  # fmt: skip
    options = {**export.FRAME_OPTIONS, "documentLoader": export.offline_document_loader}
    framed = jsonld.frame(expanded, {"@context": CONTEXT_IRI, **frame}, options)
    if "@graph" in framed:  # the wildcard frame of the dataset also lists bare object IRIs
        framed["@graph"] = [node for node in framed["@graph"] if set(node) != {"id"}]
    return framed


def test_every_framed_document_is_what_pyld_frames(out, published):
    """The build writes framed documents with a direct writer; pyld's jsonld.frame of the same
    triples with the same frame must give the same document, for every file."""
    documents = [p for p in jsonld_files(out) if not p.name.endswith(".embedded.jsonld")]
    assert len(documents) > 100
    # Every file compared is the direct writer's: made again, none falls back to pyld (a part's
    # document is cut out of its whole's, so only the wholes are counted).
    export.stats.reset()
    again = export.dataset_files(published)
    assert export.stats.pyld == 0 and export.stats.direct > 0
    for path in documents:
        assert again[str(path.relative_to(out))] == path.read_bytes(), path
    different = []
    for path in documents:
        document = json.loads(path.read_text(encoding="utf-8"))
        if "@graph" in document:  # the dataset, or its description
            frame, triples = {}, Graph().parse(turtle_twin(path), format="turtle")
        else:
            frame = export.resource_frame(published, document["id"])
            triples = Graph().parse(turtle_twin(path), format="turtle")
        if normalised(pyld_frame(triples, frame)) != normalised(document):
            different.append(str(path.relative_to(out)))
    assert different == []


def test_embedded_files_are_their_document_with_the_context_inline(out):
    context = export.load_context()["@context"]
    for path in jsonld_files(out):
        if path.name.endswith(".embedded.jsonld"):
            by_reference = path.with_name(path.name.replace(".embedded.jsonld", ".jsonld"))
            document = json.loads(by_reference.read_text())
            expected = json.dumps({**document, "@context": context}, ensure_ascii=False, indent=2)
            assert path.read_bytes() == (expected + "\n").encode("utf-8"), path


def test_dumps_writes_what_the_standard_library_writes(out):
    paths = jsonld_files(out)[:200]
    export.stats.reset()
    for path in paths:
        document = json.loads(path.read_text())
        expected = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        assert export.dumps(document) == expected == path.read_bytes(), path
    assert (export.stats.orjson, export.stats.stdlib) == (len(paths), 0)  # orjson wrote each


def test_dumps_falls_back_to_the_standard_library_for_what_orjson_does_not_take():
    export.stats.reset()
    assert export.dumps({"n": 2**70}) == b'{\n  "n": 1180591620717411303424\n}\n'
    assert (export.stats.orjson, export.stats.stdlib) == (0, 1)


# --------------------------------------------------------------------------------------------
# Blank nodes: embedded in every document that links to them


def graph_with_blank_nodes(seed: int) -> Graph:
    """A small dataset whose documents link to blank nodes: one shared by two documents, one
    linked twice from one document, one nested in another. ``seed`` changes their labels."""
    graph = Graph()
    dataset = URIRef(BASE + "dataset")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.uriSpace, Literal(BASE)))
    graph.add((dataset, OWL.versionInfo, Literal("0.1.0")))
    graph.add((dataset, DCTERMS.modified, Literal("2024-01-31", datatype=XSD.date)))
    shared, twice, outer, inner = (BNode(f"n{seed}x{i}") for i in range(4))
    first, second = URIRef(BASE + "doc/one"), URIRef(BASE + "doc/two")
    for doc, label in ((first, "One"), (second, "Two")):
        graph.add((doc, RDF.type, DCTERMS.BibliographicResource))
        graph.add((doc, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((doc, DCTERMS.contributor, shared))
    graph.add((shared, RDF.type, PROV.Activity))
    graph.add((shared, SKOS.altLabel, Literal("Shared", lang="en")))
    graph.add((first, SKOS.editorialNote, Literal("Note", lang="en")))
    graph.add((first, DCTERMS.creator, twice))
    graph.add((first, PROV.wasAssociatedWith, twice))
    graph.add((twice, RDF.type, PROV.Activity))
    graph.add((twice, SKOS.altLabel, Literal("Twice", lang="en")))
    graph.add((second, PROV.wasAssociatedWith, outer))
    graph.add((outer, RDF.type, PROV.Activity))
    graph.add((outer, PROV.wasAssociatedWith, inner))
    graph.add((inner, SKOS.altLabel, Literal("Inner", lang="en")))
    return graph


def closure(graph: Graph, node) -> Graph:
    """The node's triples and, recursively, those of the blank nodes it links to."""
    found, stack, seen = Graph(), [node], set()
    while stack:
        subject = stack.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for triple in graph.triples((subject, None, None)):
            found.add(triple)
            if isinstance(triple[2], BNode):
                stack.append(triple[2])
    return found


@pytest.fixture(scope="module")
def blank_files() -> dict[str, bytes]:
    return export.dataset_files(graph_with_blank_nodes(1))


@pytest.mark.parametrize(
    "reader", [by_rdflib, by_pyld, by_pyoxigraph], ids=["rdflib", "pyld", "pyoxigraph"]
)
def test_documents_hold_the_blank_nodes_they_link_to(blank_files, reader):
    dataset = Graph().parse(data=blank_files["dataset.nt"].decode("utf-8"), format="nt")
    assert len({o for o in dataset.objects() if isinstance(o, BNode)}) == 4
    for name in ("doc/one", "doc/two"):
        expected = closure(dataset, URIRef(BASE + name))
        assert len(expected) == {"doc/one": 10, "doc/two": 9}[name]
        turtle = Graph().parse(data=blank_files[f"{name}.ttl"].decode("utf-8"), format="turtle")
        assert isomorphic(turtle, expected), name
        for suffix in (".jsonld", ".embedded.jsonld"):
            document = json.loads(blank_files[name + suffix])
            assert isomorphic(reader(document), expected), name + suffix
    whole = json.loads(blank_files["dataset.jsonld"])
    assert isomorphic(reader(whole), dataset)


def test_blank_nodes_are_embedded_and_labelled_only_where_linked_twice(blank_files):
    one = json.loads(blank_files["doc/one.jsonld"])
    assert one["contributor"] == [
        {"type": "Activity", "altLabel": ["Shared"]}
    ]  # linked once from this document: no label needed
    assert one["creator"] == one["associatedWith"]
    assert one["creator"][0]["id"].startswith("_:")  # linked twice: labelled
    two = json.loads(blank_files["doc/two.jsonld"])
    assert two["associatedWith"] == [
        {"type": "Activity", "associatedWith": [{"altLabel": ["Inner"]}]}
    ]
    validator = jsonschema.Draft202012Validator(export.load_schema())
    for name in ("doc/one.jsonld", "doc/two.jsonld", "doc/one.embedded.jsonld"):
        errors = [e.message for e in validator.iter_errors(json.loads(blank_files[name]))]
        assert errors == [], name


def test_blank_node_labels_do_not_change_the_bytes(blank_files):
    again = export.dataset_files(graph_with_blank_nodes(2))
    assert sorted(again) == sorted(blank_files)
    assert [name for name in again if again[name] != blank_files[name]] == []
