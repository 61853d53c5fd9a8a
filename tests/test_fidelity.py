"""The published text is the official text.

This test reads the source on its own terms (it does not use goodpractice.fidelity) and compares
it with the literals in the graph, under the declared normalisations only: footnote markers,
*italics* and <link> brackets removed, whitespace folded, split paragraphs joined.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pytest
import yaml
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from goodpractice.check import fidelity_problems
from goodpractice.pipeline import load_model
from goodpractice.vocab import GP

from .conftest import CONTENT, MEMO, ROOT, SOURCE, edit

SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def plain(text: str) -> str:
    text = re.sub(f"[{SUP}]+", "", text)
    text = re.sub(r"\*([^*]+)\*", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    return " ".join(text.split())


def source_blocks():
    """(running paragraphs with split ones joined, footnotes by number) straight from the file."""
    blocks = [
        b.strip() for b in re.split(r"\n\s*\n", SOURCE.read_text(encoding="utf-8")) if b.strip()
    ]
    running, notes = [], {}
    for block in blocks:
        marker = re.match(f"^([{SUP}]+) ", block)
        if marker:
            number = int("".join(str(SUP.index(c)) for c in marker.group(1)))
            notes[number] = block[marker.end() :]
        elif running and not running[-1].endswith((".", ":", '"', ")")) and block[0].islower():
            running[-1] += " " + block  # a paragraph the page break cut around a footnote block
        else:
            running.append(block)
    return running, notes


RUNNING, NOTES = source_blocks()


def test_the_source_has_the_shape_the_design_describes():
    assert len(NOTES) == 27 and sorted(NOTES) == list(range(1, 28))
    # 66 running paragraphs on the page, five of them cut in two by a footnote block
    raw = [b for b in re.split(r"\n\s*\n", SOURCE.read_text(encoding="utf-8")) if b.strip()]
    assert len([b for b in raw if b.strip()[0] not in SUP]) == len(RUNNING) + 5


def test_source_in_the_project_is_the_source_as_published():
    """The copy in the project has the checksum the memorandum records; where the team's shared
    folder sits beside the checkout (as in CI), it is that file, byte for byte."""
    memorandum = yaml.safe_load(
        (CONTENT / "memoranda/rabat-washington/memorandum.yaml").read_text()
    )
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == memorandum["source_sha256"]
    shared = ROOT.parent / "shared" / "source" / SOURCE.name
    if shared.exists():
        assert SOURCE.read_bytes() == shared.read_bytes()


def practices_in_source():
    found = {}
    for index, block in enumerate(RUNNING):
        heading = re.match(r"^Good Practice (\d+): (.*)$", block)
        if heading:
            body = []
            for following in RUNNING[index + 1 :]:
                if re.match(r"^(Good Practice \d+:|[IVX]+\. |Conclusion$)", following):
                    break
                body.append(following)
            found[int(heading.group(1))] = (heading.group(2), body)
    return found


@pytest.mark.parametrize("number", range(1, 20))
def test_each_practice_title_and_body_are_verbatim(model, number):
    title, body = practices_in_source()[number]
    node = URIRef(f"{MEMO}/gp{number}")
    graph = model.graph
    assert str(graph.value(node, SKOS.prefLabel)) == plain(title)
    assert graph.value(node, SKOS.prefLabel).language == "en"
    definition = str(graph.value(node, SKOS.definition))
    assert definition.split("\n\n") == [plain(p) for p in body]  # paragraphs kept, in order
    assert str(graph.value(node, GP.markedTitle)) == title
    assert str(graph.value(node, GP.markedText)).split("\n\n") == body


@pytest.mark.parametrize("number", range(1, 28))
def test_each_footnote_is_verbatim(model, number):
    node = URIRef(f"{MEMO}/fn{number}")
    assert str(model.graph.value(node, RDF.value)) == plain(NOTES[number])
    assert str(model.graph.value(node, GP.markedText)) == NOTES[number]


def test_introduction_and_conclusion_are_verbatim(model):
    start, end = RUNNING.index("Introduction"), RUNNING.index("Good Practices")
    intro = model.graph.value(URIRef(MEMO), GP.introduction)
    assert str(model.graph.value(intro, RDF.value)).split("\n\n") == [
        plain(p) for p in RUNNING[start + 1 : end]
    ]
    conclusion = model.graph.value(URIRef(MEMO), GP.conclusion)
    after = RUNNING.index("Conclusion")
    assert str(model.graph.value(conclusion, RDF.value)).split("\n\n") == [
        plain(p) for p in RUNNING[after + 1 :]
    ]
    # the two paragraphs of the Introduction that a footnote block cut in two are whole again
    text = str(model.graph.value(intro, RDF.value))
    assert (
        "interviewed by law enforcement officers but based on the information they had access to,"
        in text
    )
    assert "(The Hague-Marrakech Memo) and the Addendum to The Hague-Marrakech Memorandum" in text


def test_every_source_paragraph_is_accounted_for_exactly_once(model):
    g = model.graph
    published = [str(g.value(URIRef(MEMO), SKOS.prefLabel))]
    for node in g.subjects(GP.markedText, None):
        if (node, RDF.type, GP.Footnote) not in g:
            published += str(g.value(node, GP.markedText)).split("\n\n")
    for node in g.subjects(GP.markedTitle, None):
        title = str(g.value(node, GP.markedTitle))
        notation = str(g.value(node, SKOS.notation))
        if (node, RDF.type, GP.Section) in g:
            published.append(f"{notation}. {title}")
        else:
            published.append(f"Good Practice {notation[2:]}: {title}")
    structural = {
        "Initiative to Address Homegrown Terrorism",
        "Introduction",
        "Good Practices",
        "Conclusion",
    }
    source = Counter(p for p in RUNNING if p not in structural)
    assert Counter(published) == source
    notes = Counter(str(g.value(n, GP.markedText)) for n in g.subjects(RDF.type, GP.Footnote))
    assert notes == Counter(NOTES.values())


def test_the_library_fidelity_check_passes_on_the_real_data(model):
    assert fidelity_problems(model) == []


def test_a_changed_word_is_reported_with_file_line_and_position(workdir):
    practice = workdir / "content/memoranda/rabat-washington/practices/gp10.md"
    edit(practice, "interdict, investigate", "interdict, investigates")
    problems = [str(p) for p in fidelity_problems(load_model(workdir / "content"))]
    assert problems == [
        "content/memoranda/rabat-washington/practices/gp10.md:11: gp10, paragraph 1 differs from "
        "the source text (content/source/rabat-washington-good-practices.md:107) at character 826: "
        "the source has 'investigate, and prosecute suspected homegrown terrorists. …', "
        "the data has 'investigates, and prosecute suspected homegrown terrorists.…'"
    ]


def test_a_dropped_paragraph_is_reported(workdir):
    practice = workdir / "content/memoranda/rabat-washington/practices/gp11.md"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(
        text[: text.index("\n\nThese specialized assessment tools")] + "\n", encoding="utf-8"
    )
    problems = [str(p) for p in fidelity_problems(load_model(workdir / "content"))]
    assert problems == [
        "content/memoranda/rabat-washington/practices/gp11.md:9: the source paragraph at "
        "content/source/rabat-washington-good-practices.md:123 is missing from the data "
        "(expected after gp11, paragraph 1): 'These specialized assessment tools should have specific fac…'"
    ]


def test_a_paragraph_moved_to_another_practice_is_reported_twice(workdir):
    """Present where it does not belong, missing where it does: both are named."""
    gp11 = workdir / "content/memoranda/rabat-washington/practices/gp11.md"
    gp12 = workdir / "content/memoranda/rabat-washington/practices/gp12.md"
    text = gp11.read_text(encoding="utf-8")
    cut = text.index("\n\nThese specialized assessment tools")
    gp11.write_text(text[:cut] + "\n", encoding="utf-8")
    gp12.write_text(
        gp12.read_text(encoding="utf-8") + "\n" + text[cut:].strip() + "\n", encoding="utf-8"
    )
    problems = [str(p) for p in fidelity_problems(load_model(workdir / "content"))]
    assert problems == [
        "content/memoranda/rabat-washington/practices/gp11.md:9: the source paragraph at "
        "content/source/rabat-washington-good-practices.md:123 is missing from the data "
        "(expected after gp11, paragraph 1): 'These specialized assessment tools should have specific fac…'",
        "content/memoranda/rabat-washington/practices/gp12.md:9: gp12, paragraph 2 is not in the "
        "source text content/source/rabat-washington-good-practices.md: "
        "'These specialized assessment tools should have specific fac…'",
    ]


def test_a_changed_footnote_is_reported(workdir):
    footnotes = workdir / "content/memoranda/rabat-washington/footnotes.yaml"
    edit(footnotes, "unavoidability of punishment", "inevitability of punishment")
    problems = [str(p) for p in fidelity_problems(load_model(workdir / "content"))]
    assert problems == [
        "content/memoranda/rabat-washington/footnotes.yaml:222: fn22 differs from the source text "
        "(content/source/rabat-washington-good-practices.md:151) at character 258: the source has "
        "'unavoidability of punishment for terrorist offense as requi…', the data has "
        "'inevitability of punishment for terrorist offense as requir…'"
    ]
