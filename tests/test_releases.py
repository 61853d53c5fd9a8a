"""Releases: the records under content/releases/, the change sets every build publishes, the
dates each resource last changed, IRIs that never vanish, and the contract consumers rely on.

The fixture publication is the real content, released as 0.1.0, then edited as
tests/data/releases/0.2.0.yaml says (an editorial note on a footnote, a citation's CiTO type, a
glossary term deprecated in favour of another, a citation added) and released as 0.2.0.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import urllib.request
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF

from goodpractice.cli import main
from goodpractice.export import load_schema
from goodpractice.pipeline import load_model
from goodpractice.releases import ChangeSet, ContractChange, PropertyChange, version_key
from goodpractice.serve import make_server
from goodpractice.vocab import DCAT3, GP

from .conftest import BASE, CONTENT

DATA = Path(__file__).parent / "data" / "releases"
SPEC = yaml.safe_load((DATA / "0.2.0.yaml").read_text(encoding="utf-8"))
FIRST_DATE, SECOND_DATE = "2026-11-24", str(SPEC["date"])
SPDX = "http://spdx.org/rdf/terms#"


def fresh_content(folder: Path) -> Path:
    """A copy of the real content without its release records."""
    shutil.copytree(CONTENT, folder)
    shutil.rmtree(folder / "releases", ignore_errors=True)
    return folder


def release(content: Path, *args: str):
    result = CliRunner().invoke(main, ["release", *args, "--content", str(content)])
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def apply_edits(content: Path) -> None:
    for edit in SPEC["edits"]:
        path = content / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["find"] in text, edit["find"]
        path.write_text(text.replace(edit["find"], edit["replace"], 1), encoding="utf-8")


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    """The fixture publication with releases 0.1.0 and 0.2.0, its model and its build."""
    root = tmp_path_factory.mktemp("releases")
    content = fresh_content(root / "content")
    assert release(content, "0.1.0")[0] == 0
    apply_edits(content)
    assert release(content, "0.2.0", "--date", SECOND_DATE)[0] == 0
    result = CliRunner().invoke(
        main,
        ["build", "--content", str(content), "--out", str(root / "build"),
         "--site-dir", str(root / "site")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"root": root, "content": content, "model": load_model(content),
            "build": root / "build", "site": root / "site"}  # fmt: skip


def iri(key: str) -> str:
    return BASE + key


# --------------------------------------------------------------------------------------------
# What changed


def test_the_change_set_of_0_2_0_lists_exactly_the_four_changes(fixture):
    history = fixture["model"].history
    assert [c.version for c in history.change_sets] == ["0.1.0", "0.2.0"]
    changes = history.change_sets[1]
    expect = SPEC["expect"]
    assert changes == ChangeSet(
        version="0.2.0",
        previous="0.1.0",
        date=SECOND_DATE,
        added=[iri(k) for k in expect["added"]],
        removed=[iri(k) for k in expect["removed"]],
        deprecated=[iri(k) for k in expect["deprecated"]],
        changed={
            iri(key): [PropertyChange(f"<{p['property']}>", p["old"], p["new"]) for p in props]
            for key, props in expect["changed"].items()
        },
        contract=[],
    )


def test_modified_is_the_date_of_the_release_that_last_changed_each_resource(fixture):
    graph = fixture["model"].graph
    touched = {iri(k) for k in [*SPEC["expect"]["added"], *SPEC["expect"]["deprecated"],
                                *SPEC["expect"]["changed"]]}  # fmt: skip
    modified = {str(s): str(o) for s, o in graph.subject_objects(DCTERMS.modified)}
    dataset = iri("dataset")
    assert modified.pop(dataset) == SECOND_DATE  # released on that date, unchanged since
    assert {s for s, date in modified.items() if date == SECOND_DATE} == touched
    assert {date for s, date in modified.items() if s not in touched} == {FIRST_DATE}
    # every resource of the content has one: the practices, footnotes, citations, terms, …
    assert URIRef(iri("rabat-washington/gp10")) in set(graph.subjects(DCTERMS.modified))
    # the memorandum's own date stays the memorandum's
    memorandum = URIRef(iri("rabat-washington"))
    assert str(graph.value(memorandum, DCTERMS.issued)).startswith("2018")
    assert str(graph.value(memorandum, DCTERMS.modified)) == FIRST_DATE


def test_the_change_set_is_published_as_turtle_and_json_ld(fixture):
    build = fixture["build"]
    turtle = Graph().parse(build / "dataset/0.2.0/changes.ttl", format="turtle")
    embedded = Graph().parse(build / "dataset/0.2.0/changes.embedded.jsonld", format="json-ld")
    assert len(turtle) == len(embedded) and set(turtle) == set(embedded)
    node = URIRef(iri("dataset/0.2.0/changes"))
    assert (node, RDF.type, GP.ChangeSet) in turtle
    assert (node, GP.toRelease, URIRef(iri("dataset/0.2.0"))) in turtle
    assert (node, GP.fromRelease, URIRef(iri("dataset/0.1.0"))) in turtle
    assert set(turtle.objects(node, GP.addedResource)) == {
        URIRef(iri("rabat-washington/fn3#citation-1"))
    }
    assert set(turtle.objects(node, GP.deprecatedResource)) == {
        URIRef(iri("rabat-washington/glossary/legal-options"))
    }
    changed = {turtle.value(c, GP.changedResource) for c in turtle.objects(node, GP.resourceChange)}
    assert changed == {
        URIRef(iri("rabat-washington/fn15")),
        URIRef(iri("rabat-washington/fn2#citation-1")),
    }
    change = URIRef(iri("dataset/0.2.0/changes#change-2-1"))
    assert set(turtle.predicate_objects(change)) == {
        (RDF.type, GP.PropertyChange),
        (GP.changedProperty, URIRef("http://purl.org/spar/cito/hasCitationCharacterization")),
        (GP.ordinal, Literal(1)),
        (GP.oldValue, Literal("<http://purl.org/spar/cito/citesAsRecommendedReading>")),
        (GP.newValue, Literal("<http://purl.org/spar/cito/citesForInformation>")),
    }
    description = Graph().parse(build / "dataset-description.ttl", format="turtle")
    second, first = URIRef(iri("dataset/0.2.0")), URIRef(iri("dataset/0.1.0"))
    assert (second, DCAT3.previousVersion, first) in description
    assert (second, PROV.wasRevisionOf, first) in description
    assert (URIRef(iri("dataset")), DCAT3.hasVersion, first) in description


def test_each_earlier_release_s_data_is_listed_with_its_size_and_checksum(fixture):
    build = fixture["build"]
    description = Graph().parse(build / "dataset-description.ttl", format="turtle")
    release = URIRef(iri("dataset/0.1.0"))
    found = {}
    for dist in description.objects(release, DCAT.distribution):
        name = str(description.value(dist, DCAT.downloadURL)).removeprefix(BASE)
        data = (build / name).read_bytes()
        checksum = description.value(dist, URIRef(SPDX + "checksum"))
        assert description.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(
            SPDX + "checksumAlgorithm_sha256"
        )
        found[name] = (
            int(description.value(dist, DCAT.byteSize)) == len(data),
            str(description.value(checksum, URIRef(SPDX + "checksumValue")))
            == hashlib.sha256(data).hexdigest(),
        )
    assert found == {
        f"dataset/0.1.0.{ext}": (True, True)
        for ext in ("ttl", "nt", "rdf", "jsonld", "embedded.jsonld")
    }
    # the data of 0.1.0 is what it recorded: the deprecation of 0.2.0 is not in it
    old = Graph().parse(build / "dataset/0.1.0.ttl", format="turtle")
    term = URIRef(iri("rabat-washington/glossary/legal-options"))
    assert (term, RDF.type, None) in old and (term, DCTERMS.isReplacedBy, None) not in old


@pytest.mark.parametrize("shapes", ["dcat-ap/shapes.ttl", "dcat-ap/range.ttl"])
def test_every_dataset_description_of_the_releases_conforms_to_dcat_ap(fixture, shapes):
    from .test_profiles import external, violations

    build = fixture["build"]
    shapes_graph = external(shapes)
    # the description, and the current release's own document (0.1.0's files are its data)
    files = ["dataset-description.ttl", "dataset-description.embedded.jsonld",
             "dataset/0.2.0.ttl", "dataset/0.2.0.embedded.jsonld"]  # fmt: skip
    for name in files:
        data = Graph().parse(build / name, format="json-ld" if "json" in name else "turtle")
        assert violations(data, shapes_graph) == [], name
    old = Graph().parse(build / "dataset/0.1.0.ttl")
    assert (None, RDF.type, DCAT.Dataset) not in old
    # 0.2.0's own document states what DCAT-AP expects of what it links to
    own = Graph().parse(build / "dataset/0.2.0.ttl")
    assert (URIRef(iri("context/0.2.0.jsonld")), RDF.type, DCTERMS.Standard) in own


def test_pages_mark_deprecation_link_their_changes_and_say_how_to_cite(fixture):
    site = fixture["site"]
    term = (site / "rabat-washington/glossary/legal-options/index.html").read_text()
    assert "Retired in release 0.2.0 in favour of administrative measures." in term
    assert 'Replaced by <a href="../administrative-measures/">administrative measures</a>' in term
    footnote = (site / "rabat-washington/fn15/index.html").read_text()
    assert (
        "<li>Changed in 0.2.0: the editorial notes. "
        '<a href="../../dataset/0.2.0/changes/">what changed</a></li>'
    ) in footnote
    assert (
        "Cite this: Footnote 15. In: GCTF Good Practices as Linked Data, release 0.2.0 "
        f"({SECOND_DATE}). {iri('rabat-washington/fn15')}"
    ) in footnote
    page = (site / "dataset/0.2.0/changes/index.html").read_text()
    assert "Footnote 2, citation 1" in page and "cito:citesForInformation" in page
    for path in site.rglob("index.html"):
        assert "Cite this: " in path.read_text(), path


def test_the_new_documents_validate_against_the_json_schema(fixture):
    build = fixture["build"]
    validator = jsonschema.Draft202012Validator(load_schema())
    names = [*sorted((build / "dataset").rglob("*.jsonld")),
             build / "rabat-washington/glossary/legal-options.jsonld"]  # fmt: skip
    # 0.1.0's data and 0.2.0's description (2 each), the two change sets (2 each), the term
    assert len(names) == 9
    for path in names:
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path
    term = json.loads(names[-1].read_text())
    assert (term["deprecated"], term["isReplacedBy"], term["changeNote"]) == (
        True,
        [iri("rabat-washington/glossary/administrative-measures")],
        ["Retired in release 0.2.0 in favour of administrative measures."],
    )


def test_a_deprecated_resource_and_a_change_set_keep_their_content_negotiation(fixture):
    server = make_server(fixture["site"], port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def get(path: str, accept: str):
        request = urllib.request.Request(url + path, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()

    try:
        status, media, body = get("rabat-washington/glossary/legal-options", "text/turtle")
        assert (status, media.split(";")[0]) == (200, "text/turtle")
        term = URIRef(iri("rabat-washington/glossary/legal-options"))
        graph = Graph().parse(data=body, format="turtle")
        assert (term, OWL.deprecated, Literal(True)) in graph
        status, _media, body = get("rabat-washington/glossary/legal-options", "text/html")
        assert status == 200 and b"Retired in release 0.2.0" in body
        status, media, body = get("dataset/0.2.0/changes", "application/ld+json")
        assert (status, json.loads(body)["type"]) == (200, "ChangeSet")
        status, media, body = get("dataset/0.1.0", "application/n-triples")
        assert body == (fixture["build"] / "dataset/0.1.0.nt").read_bytes()
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------------------------
# The rules


def test_removing_a_released_resource_fails_validate_with_the_file_and_iri(fixture, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(fixture["content"], content)
    glossary = content / "memoranda/rabat-washington/glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    start = text.index("  - id: intervention\n")
    end = text.index("  - id: legal-options\n")
    glossary.write_text(text[:start] + text[end:], encoding="utf-8")
    record = content / "releases/0.2.0/content.nt"
    term = iri("rabat-washington/glossary/intervention")
    line = next(n for n, row in enumerate(record.read_text().splitlines(), 1)
                if row.startswith(f"<{term}>"))  # fmt: skip
    result = CliRunner().invoke(main, ["validate", "--content", str(content)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        # the shapes say it, from the change set of the release that added it …
        f"{content / 'releases/0.1.0/release.yaml'}:1: dataset/0.1.0/changes: -: "
        "rabat-washington/glossary/intervention was published in a release and is no longer "
        "described in the data (it has no rdf:type): a released IRI never vanishes. Deprecate "
        "it instead (owl:deprecated true, dcterms:isReplacedBy, skos:changeNote).",
        # … and the last record that has it, at its line
        f"{record}:{line}: {term} was published in release 0.2.0 and is missing from the "
        "content: a released IRI never vanishes. Keep the resource and retire it with "
        "'deprecated: true', 'change_note:' (why) and, if something replaces it, "
        "'replaced_by:' (its key)",
        "goodpractice: the data does not conform (2 violations, 0 warnings).",
    ]


def test_records_are_deterministic(fixture, tmp_path):
    again = fresh_content(tmp_path / "content")
    assert release(again, "0.1.0")[0] == 0
    first, second = fixture["content"] / "releases/0.1.0", again / "releases/0.1.0"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) == [
        "content.nt", "context.jsonld", "jsonld.schema.json", "ontology.nt", "release.yaml",
    ]  # fmt: skip
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    lines = (first / "content.nt").read_text().splitlines()
    assert lines == sorted(lines)
    assert not any("/dataset/" in row or "modified" in row or "versionInfo" in row for row in lines)


def test_versions_are_compared_as_numbers_and_must_rise(fixture, tmp_path):
    assert version_key("0.10.0") > version_key("0.9.0")
    assert version_key("1.0") is None and version_key("01.0.0") is None
    content = tmp_path / "content"
    shutil.copytree(fixture["content"], content)
    before = (content / "publication.yaml").read_bytes()
    code, out, err = release(content, "0.2.0")
    assert (code, out) == (2, [])
    assert err == [
        f"goodpractice: VERSION 0.2.0 must be above the last release, 0.2.0 "
        f"({content / 'releases/0.2.0'})"
    ]
    code, out, err = release(content, "1.0")
    assert (code, err) == (
        2,
        ["goodpractice: VERSION '1.0' must be a Semantic Versioning MAJOR.MINOR.PATCH, e.g. 0.2.0"],
    )
    assert (content / "publication.yaml").read_bytes() == before
    assert sorted(p.name for p in (content / "releases").iterdir()) == ["0.1.0", "0.2.0"]


def test_removing_a_context_key_needs_a_major_release(fixture, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(fixture["content"], content)
    # the last release had a key the context no longer has
    recorded = content / "releases/0.2.0/context.jsonld"
    context = json.loads(recorded.read_text())
    context["@context"]["retiredKey"] = "gp:retired"
    recorded.write_text(json.dumps(context, indent=2))
    publication = content / "publication.yaml"
    publication.write_text(
        publication.read_text().replace('version: "0.2.0"', 'version: "0.2.0"  # kept'),
        encoding="utf-8",
    )
    code, _out, err = release(content, "0.3.0")
    assert (code, err) == (
        1,
        ["goodpractice: 0.3.0 removes or redefines what consumers' code relies on (context "
         "retiredKey (removed)): only a release that raises MAJOR over 0.2.0 may do that"],
    )  # fmt: skip
    assert release(content, "1.0.0")[0] == 0
    assert 'version: "1.0.0"  # kept\n' in publication.read_text()
    changes = load_model(content).history.change_sets[-1]
    assert changes.version == "1.0.0"
    assert changes.contract == [ContractChange("context", "retiredKey", "removed")]
    assert changes.contract[0].breaking
    assert not (changes.added or changes.removed or changes.deprecated or changes.changed)


def test_redefining_inside_a_schema_definition_needs_a_major_release(fixture, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(fixture["content"], content)
    # the last release's schema, as if the current one had changed a property's type, added a
    # required key and reworded a description (the last alone breaks nothing)
    for version in ("0.1.0", "0.2.0"):
        recorded = content / f"releases/{version}/jsonld.schema.json"
        schema = json.loads(recorded.read_text())
        schema["$defs"]["count"]["type"] = "string"
        schema["$defs"]["node"]["required"] = ["id"]
        schema["$defs"]["plain"]["description"] = "Worded otherwise"
        recorded.write_text(json.dumps(schema, indent=2))
    code, _out, err = release(content, "0.3.0")
    assert (code, err) == (
        1,
        ["goodpractice: 0.3.0 removes or redefines what consumers' code relies on (schema "
         "$defs/count (redefined), schema $defs/node (redefined)): only a release that raises "
         "MAJOR over 0.2.0 may do that"],
    )  # fmt: skip
    assert not (content / "releases/0.3.0").exists()
    assert release(content, "1.0.0")[0] == 0
    changes = load_model(content).history.change_sets[-1]
    assert changes.contract == [
        ContractChange("schema", "$defs/count", "redefined"),
        ContractChange("schema", "$defs/node", "redefined"),
        ContractChange("schema", "$defs/plain", "reworded"),
    ]
    assert [c.breaking for c in changes.contract] == [True, True, False]


def test_a_replacement_without_deprecated_true_is_refused_with_its_line(fixture, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(fixture["content"], content)
    glossary = content / "memoranda/rabat-washington/glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    text = text.replace("    deprecated: true\n", "", 1)
    glossary.write_text(text, encoding="utf-8")
    line = text[: text.index("    replaced_by:")].count("\n") + 1
    result = CliRunner().invoke(main, ["validate", "--content", str(content)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{glossary}:{line}: 'deprecated' must be true when 'replaced_by' or 'change_note' is "
        "given (found None); a resource that is not retired has neither"
    )
