"""Retiring a released practice or footnote: the fixture publication is the real content,
released as 0.1.0, then revised as tests/data/releases/retire-0.2.0.yaml says (the source text
renumbers Good Practice 19 as 20 and drops footnote 27; the content keeps both, retired) and
released as 0.2.0. The retired resources keep their IRIs, pages, data and negotiation, are out
of the memorandum's current structure, and their text is checked against the release that
published it, not against the source.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from goodpractice.check import rebuild_document
from goodpractice.cli import main
from goodpractice.graph import ReadModel
from goodpractice.pipeline import load_model
from goodpractice.serve import make_server
from goodpractice.vocab import GP

from .conftest import BASE, CONTENT

SPEC = yaml.safe_load(
    (Path(__file__).parent / "data/releases/retire-0.2.0.yaml").read_text(encoding="utf-8")
)
SOURCE = "source/rabat-washington-good-practices.md"
MEMO = "memoranda/rabat-washington"
GP19, GP20, FN27 = (URIRef(f"{BASE}rabat-washington/{k}") for k in ("gp19", "gp20", "fn27"))


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output.splitlines()


def revise(content: Path) -> None:
    """The edits of the spec, then the revised source's SHA-256 recorded."""
    for edit in SPEC["edits"]:
        if "copy" in edit:
            shutil.copyfile(content / edit["copy"], content / edit["to"])
            continue
        path = content / edit["file"]
        text = path.read_text(encoding="utf-8")
        if "delete_paragraph" in edit:
            at = text.index(edit["delete_paragraph"])
            end = text.find("\n\n", at)
            text = text[: text.rindex("\n\n", 0, at)] + (text[end:] if end >= 0 else "")
        else:
            assert edit["find"] in text, edit["find"]
            text = text.replace(edit["find"], edit["replace"], 1)
        path.write_text(text, encoding="utf-8")
    digest = hashlib.sha256((content / SOURCE).read_bytes()).hexdigest()
    memo = content / MEMO / "memorandum.yaml"
    memo.write_text(
        re.sub(r"source_sha256: \w+", f"source_sha256: {digest}", memo.read_text("utf-8")),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    root = tmp_path_factory.mktemp("retire")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    shutil.rmtree(content / "releases", ignore_errors=True)
    assert run("release", "0.1.0", "--content", str(content))[0] == 0
    revise(content)
    code, out = run("release", "0.2.0", "--date", str(SPEC["date"]), "--content", str(content))
    assert code == 0, out
    code, out = run("build", "--content", str(content), "--out", str(root / "build"),
                    "--site-dir", str(root / "site"))  # fmt: skip
    assert code == 0, out
    return {"content": content, "model": load_model(content), "build": root / "build",
            "site": root / "site"}  # fmt: skip


def copy_of(fixture, tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(fixture["content"], content)
    return content


def test_the_change_set_lists_the_renumbered_practice_and_the_removed_footnote(fixture):
    changes = fixture["model"].history.change_sets[-1]
    assert (changes.version, changes.added, changes.deprecated, changes.removed) == (
        "0.2.0", [str(GP20)], [str(FN27), str(GP19)], [],
    )  # fmt: skip
    # what else changed: section V now holds Good Practice 20, and the retired footnote's
    # citations are made by the footnote itself (no text carries its marker any longer)
    assert sorted(s.removeprefix(BASE) for s in changes.changed) == [
        "rabat-washington/fn27#citation-1", "rabat-washington/fn27#citation-2",
        "rabat-washington/section-5",
    ]  # fmt: skip
    turtle = Graph().parse(fixture["build"] / "dataset/0.2.0/changes.ttl")
    node = URIRef(f"{BASE}dataset/0.2.0/changes")
    assert set(turtle.objects(node, GP.deprecatedResource)) == {GP19, FN27}
    assert set(turtle.objects(node, GP.addedResource)) == {GP20}


def test_the_retired_resources_are_out_of_the_current_structure(fixture):
    graph = fixture["model"].graph
    read = ReadModel(graph)
    section = URIRef(f"{BASE}rabat-washington/section-5")
    assert [read.key(p) for p in read.practices(section)] == [
        "rabat-washington/gp17", "rabat-washington/gp18", "rabat-washington/gp20",
    ]  # fmt: skip
    assert graph.value(GP19, GP.position) is None and graph.value(GP20, GP.position) is not None
    assert graph.value(FN27, GP.attachedTo) is None
    assert "which holds Good Practices 17 to 18 and 20." in str(
        graph.value(section, SKOS.definition)
    )
    memo = URIRef(f"{BASE}rabat-washington")
    rebuilt = [node for _text, node in rebuild_document(graph, memo, fixture["model"].content
                                                        .memoranda[0].headings)]  # fmt: skip
    assert GP20 in rebuilt and GP19 not in rebuilt
    # the retired practice keeps its number, its text and its place in the hierarchy
    assert (GP19, SKOS.broader, section) in graph and read.ordinal(GP19) == 19


def test_the_old_iris_answer_with_deprecated_pages_and_their_replacements(fixture):
    build, site = fixture["build"], fixture["site"]
    data = Graph().parse(build / "rabat-washington/gp19.ttl")
    assert (GP19, OWL.deprecated, Literal(True)) in data
    assert (GP19, DCTERMS.isReplacedBy, GP20) in data
    assert (GP19, SKOS.changeNote,
            Literal("Renumbered 20 in the revised text of release 0.2.0.", lang="en")) in data  # fmt: skip
    footnote = Graph().parse(build / "rabat-washington/fn27.ttl")
    assert (FN27, OWL.deprecated, Literal(True)) in footnote
    page = (site / "rabat-washington/gp19/index.html").read_text(encoding="utf-8")
    assert (
        "<p>Renumbered 20 in the revised text of release 0.2.0. Replaced by "
        '<a href="../gp20/">Good Practice 20: Support programs aimed at supporting victims of '
        "terrorism and protecting witnesses.</a>. Its IRI, page and data stay published.</p>"
    ) in page
    assert "Previous: " not in page and "Next: " not in page  # out of the reading order
    page = (site / "rabat-washington/fn27/index.html").read_text(encoding="utf-8")
    assert "<p>Removed from the revised text of release 0.2.0. Its IRI, page and data" in page
    assert "no longer attached to a text." in page
    assert "gp19" not in (site / "rabat-washington/gp20/index.html").read_text(encoding="utf-8")
    server = make_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/rabat-washington/"
    try:
        for key, accept, expected in (
            ("gp19", "text/turtle", (build / "rabat-washington/gp19.ttl").read_bytes()),
            ("fn27", "application/ld+json", (build / "rabat-washington/fn27.jsonld").read_bytes()),
        ):
            request = urllib.request.Request(url + key, headers={"Accept": accept})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert (response.status, response.read()) == (200, expected)
    finally:
        server.shutdown()
        server.server_close()


def test_a_retired_text_is_checked_against_the_release_that_published_it(fixture, tmp_path):
    content = copy_of(fixture, tmp_path)
    practice = content / MEMO / "practices/gp19.md"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("States may wish to consider providing",
                                     "States may wish to provide", 1), encoding="utf-8")  # fmt: skip
    body = text[: text.index("States may wish")].count("\n") + 1
    record = content / "releases/0.2.0/content.nt"
    # the first line of the practice in the record
    line = next(n for n, row in enumerate(record.read_text("utf-8").splitlines(), 1)
                if row.startswith(f"<{GP19}> "))  # fmt: skip
    code, out = run("validate", "--content", str(content))
    assert (code, out) == (1, [
        f"{practice}:{body}: gp19 is retired: its text stays as release 0.2.0 published it "
        f"({record}:{line}), but differs at character 20: the release has 'consider "
        "providing a range of adequate assistance and suppo…', the data has 'provide a range "
        "of adequate assistance and support services…'",
        "goodpractice: the data does not conform (1 violation, 0 warnings).",
    ])  # fmt: skip


def test_a_resource_never_released_is_deleted_not_retired(fixture, tmp_path):
    content = copy_of(fixture, tmp_path)
    practices = content / MEMO / "practices"
    text = (practices / "gp20.md").read_text(encoding="utf-8")
    (practices / "gp21.md").write_text(
        text.replace("number: 20\n", 'number: 21\ndeprecated: true\nchange_note: "Never."\n'),
        encoding="utf-8",
    )
    code, out = run("validate", "--content", str(content))
    assert (code, out) == (1, [
        f"{practices / 'gp21.md'}:2: gp21 is retired (deprecated) but no release published it: "
        "a resource that was never released is deleted, not retired",
        "goodpractice: the data does not conform (1 violation, 0 warnings).",
    ])  # fmt: skip


def test_removing_the_footnote_without_deprecation_fails_validate_with_file_and_iri(
    fixture, tmp_path
):
    content = copy_of(fixture, tmp_path)
    footnotes = content / MEMO / "footnotes.yaml"
    text = footnotes.read_text(encoding="utf-8")
    footnotes.write_text(text[: text.index("- number: 27\n")], encoding="utf-8")
    record = content / "releases/0.2.0/content.nt"
    line = next(n for n, row in enumerate(record.read_text("utf-8").splitlines(), 1)
                if row.startswith(f"<{FN27}> "))  # fmt: skip
    code, out = run("validate", "--content", str(content))
    assert code == 1
    assert (
        f"{record}:{line}: {FN27} was published in release 0.2.0 and is missing from the "
        "content: a released IRI never vanishes. Keep the resource and retire it with "
        "'deprecated: true', 'change_note:' (why) and, if something replaces it, "
        "'replaced_by:' (its key)"
    ) in out


def test_a_marker_of_a_retired_footnote_is_refused_with_its_line(fixture, tmp_path):
    content = copy_of(fixture, tmp_path)
    practice = content / MEMO / "practices/gp20.md"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("protecting witnesses.\"", "protecting witnesses.²⁷\"", 1),
                        encoding="utf-8")  # fmt: skip
    footnotes = content / MEMO / "footnotes.yaml"
    retired_at = footnotes.read_text("utf-8").split("\n").index("  deprecated: true") + 1
    code, out = run("validate", "--content", str(content))
    assert code == 1
    title = text[: text.index("title:")].count("\n") + 1
    assert out[0] == (
        f"{practice}:{title}: footnote marker 27 refers to footnote 27, which is retired "
        f"(deprecated at {footnotes}:{retired_at})"
    )
