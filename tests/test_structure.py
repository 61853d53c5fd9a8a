"""The shape of the memorandum in the graph, asserted with SPARQL."""

from __future__ import annotations

import re

from .conftest import BASE, MEMO, SOURCE

PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX gp: <https://w3id.org/gctf-good-practices/def#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def rows(model, query: str) -> list[tuple]:
    return [
        tuple(str(v) if v is not None else None for v in row)
        for row in model.graph.query(PREFIXES + query)
    ]


def short(iri: str) -> str:
    return iri.removeprefix(BASE)


def test_the_memorandum_is_a_concept_scheme_with_its_metadata(model):
    assert rows(
        model,
        f"""
        SELECT ?title ?issued ?publisher WHERE {{
          <{MEMO}> a skos:ConceptScheme, gp:FrameworkDocument ;
            dcterms:title ?title ; dcterms:issued ?issued ; dcterms:publisher ?publisher .
          FILTER(datatype(?issued) = xsd:date && lang(?title) = "en")
        }}""",
    ) == [
        (
            "Rabat – Washington Good Practices on the Prevention, Detection, Intervention and Response to Homegrown Terrorism",
            "2018-09-26",
            BASE + "org/gctf",
        )
    ]


def test_five_sections_are_the_top_concepts_with_roman_notations(model):
    found = rows(
        model,
        f"""
        SELECT ?notation ?label WHERE {{
          <{MEMO}> skos:hasTopConcept ?s .
          ?s skos:topConceptOf <{MEMO}> ; skos:notation ?notation ; skos:prefLabel ?label ; gp:ordinal ?n .
        }} ORDER BY ?n""",
    )
    assert found == [
        ("I", "Understanding the Homegrown Terrorism Phenomenon"),
        ("II", "Prevention"),
        ("III", "Detection"),
        ("IV", "Intervention"),
        ("V", "Response"),
    ]


def test_nineteen_practices_under_the_right_sections(model):
    found = rows(
        model,
        f"""
        SELECT ?notation ?section WHERE {{
          ?p a gp:GoodPractice ; skos:inScheme <{MEMO}> ; skos:notation ?notation ;
             skos:broader ?s ; gp:ordinal ?n .
          ?s skos:notation ?section ; skos:narrower ?p .
        }} ORDER BY ?n""",
    )
    expected_sections = ["I"] * 3 + ["II"] * 5 + ["III"] * 5 + ["IV"] * 3 + ["V"] * 3
    assert found == [(f"GP{n}", expected_sections[n - 1]) for n in range(1, 20)]


def test_twenty_seven_footnotes_on_the_units_that_carry_their_markers(model):
    found = dict(
        rows(
            model,
            f"""
        SELECT ?n ?unit WHERE {{
          ?f a gp:Footnote ; dcterms:isPartOf <{MEMO}> ; gp:ordinal ?n ; gp:attachedTo ?unit .
          ?unit gp:hasFootnote ?f .
        }}""",
        )
    )
    expected = {
        1: "introduction",
        2: "introduction",
        3: "introduction",
        4: "introduction",
        5: "gp2",
        6: "gp2",
        7: "gp3",
        8: "section-2",
        9: "gp4",
        10: "gp5",
        11: "gp7",
        12: "gp7",
        13: "gp8",
        14: "gp9",
        15: "gp10",
        16: "gp10",
        17: "gp11",
        18: "gp11",
        19: "gp12",
        20: "gp13",
        21: "section-4",
        22: "gp14",
        23: "gp14",
        24: "gp16",
        25: "section-5",
        26: "gp17",
        27: "gp19",
    }
    assert {
        int(n): short(u).removeprefix("rabat-washington/") for n, u in found.items()
    } == expected


def test_all_eleven_citations_of_numbered_practices_of_other_memoranda(model):
    found = rows(
        model,
        """
        SELECT ?citing ?cited ?footnote ?type ?notation ?scheme WHERE {
          ?c a cito:Citation ; cito:hasCitingEntity ?citing ; cito:hasCitedEntity ?cited ;
             cito:hasCitationCharacterization ?type ; prov:wasDerivedFrom ?footnote .
          ?cited a gp:GoodPractice ; skos:notation ?notation ; skos:inScheme ?scheme .
          ?citing ?type ?cited ; cito:cites ?cited .
          FILTER(?scheme != <https://w3id.org/gctf-good-practices/rabat-washington>)
        }""",
    )
    cito = "http://purl.org/spar/cito/"
    assert sorted(
        (short(a), short(b), short(f), t.removeprefix(cito), n, short(s))
        for a, b, f, t, n, s in found
    ) == sorted(
        [
            (
                "rabat-washington/introduction",
                "rabat-memorandum/gp2",
                "rabat-washington/fn4",
                "citesAsRecommendedReading",
                "GP2",
                "rabat-memorandum",
            ),
            (
                "rabat-washington/gp7",
                "hague-marrakech/gp4",
                "rabat-washington/fn11",
                "citesAsAuthority",
                "GP4",
                "hague-marrakech",
            ),
            (
                "rabat-washington/gp8",
                "community-engagement/gp2",
                "rabat-washington/fn13",
                "includesQuotationFrom",
                "GP2",
                "community-engagement",
            ),
            (
                "rabat-washington/gp10",
                "rabat-memorandum/gp2",
                "rabat-washington/fn15",
                "citesAsAuthority",
                "GP2",
                "rabat-memorandum",
            ),
            (
                "rabat-washington/gp10",
                "antalya-memorandum/gp1",
                "rabat-washington/fn15",
                "citesAsAuthority",
                "GP1",
                "antalya-memorandum",
            ),
            (
                "rabat-washington/gp10",
                "hague-marrakech/gp7",
                "rabat-washington/fn16",
                "citesAsAuthority",
                "GP7",
                "hague-marrakech",
            ),
            (
                "rabat-washington/gp11",
                "hague-marrakech/gp16",
                "rabat-washington/fn18",
                "citesAsAuthority",
                "GP16",
                "hague-marrakech",
            ),
            (
                "rabat-washington/gp12",
                "antalya-memorandum/gp9",
                "rabat-washington/fn19",
                "citesAsAuthority",
                "GP9",
                "antalya-memorandum",
            ),
            (
                "rabat-washington/gp16",
                "hague-marrakech/gp11",
                "rabat-washington/fn24",
                "citesAsAuthority",
                "GP11",
                "hague-marrakech",
            ),
            (
                "rabat-washington/gp17",
                "antalya-memorandum/gp13",
                "rabat-washington/fn26",
                "citesAsRecommendedReading",
                "GP13",
                "antalya-memorandum",
            ),
            (
                "rabat-washington/gp19",
                "rabat-memorandum/gp1",
                "rabat-washington/fn27",
                "citesAsRecommendedReading",
                "GP1",
                "rabat-memorandum",
            ),
        ]
    )


def test_a_cited_practice_carries_the_texts_own_description(model):
    assert rows(
        model,
        f"""
        SELECT ?label ?note WHERE {{ <{BASE}hague-marrakech/gp7> skos:prefLabel ?label ; skos:scopeNote ?note }}""",
    ) == [
        (
            "Good Practice 7",
            "promoting the collection and fusing detailed information from government agencies, front line workers, "
            "communities, and social media to detect recruitment and facilitation while respecting the rule of law and human rights.",
        )
    ]
    assert rows(
        model, f"""SELECT ?label WHERE {{ <{BASE}rabat-memorandum/gp1> skos:prefLabel ?label }}"""
    ) == [
        (
            "Protect Victims, Witnesses, Informants, Undercover Agents, Juries, Investigators, Prosecutors, "
            "Defense Counsel, and Judges in Counterterrorism Cases",
        )
    ]


def test_resolutions_carry_their_official_symbols(model):
    found = rows(
        model,
        """
        SELECT ?r ?symbol ?issued ?url WHERE {
          ?r a gp:Resolution ; dcterms:identifier ?symbol ; dcterms:issued ?issued .
          OPTIONAL { ?r <https://schema.org/url> ?url }
        } ORDER BY ?symbol""",
    )
    assert [(short(r), s, d, u) for r, s, d, u in found] == [
        ("un/a-res-60-288", "A/RES/60/288", "2006-09-08", "https://undocs.org/A/RES/60/288"),
        (
            "un/s-res-1373-2001",
            "S/RES/1373 (2001)",
            "2001-09-28",
            "https://undocs.org/S/RES/1373(2001)",
        ),
        (
            "un/s-res-2354-2017",
            "S/RES/2354 (2017)",
            "2017-05-24",
            "https://undocs.org/S/RES/2354(2017)",
        ),
        (
            "un/s-res-2396-2017",
            "S/RES/2396 (2017)",
            "2017-12-21",
            "https://undocs.org/S/RES/2396(2017)",
        ),
    ]


def test_every_typed_citation_is_also_a_plain_cites_from_the_same_unit(model):
    missing = rows(
        model,
        """
        SELECT ?c WHERE {
          ?c a cito:Citation ; cito:hasCitingEntity ?a ; cito:hasCitedEntity ?b ;
             cito:hasCitationCharacterization ?type .
          FILTER NOT EXISTS { ?a ?type ?b . ?a cito:cites ?b }
        }""",
    )
    assert missing == []
    assert rows(model, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cito:Citation }") == [
        ("49",)
    ]  # 44 in footnotes, 5 in running text


def test_the_quotation_from_resolution_2396_is_typed_and_sourced(model):
    assert rows(
        model,
        f"""
        SELECT ?words WHERE {{
          ?c cito:hasCitingEntity <{MEMO}/gp10> ; cito:hasCitedEntity <{BASE}un/s-res-2396-2017> ;
             cito:hasCitationCharacterization cito:includesQuotationFrom ;
             prov:wasDerivedFrom <{MEMO}/fn15> ; gp:citingWords ?words .
        }}""",
    ) == [("United Nations Security Council Resolution 2396 calls upon",)]


def test_name_variants_are_alternative_labels_of_one_resource(model):
    labels = {
        v for (v,) in rows(model, f"SELECT ?l WHERE {{ <{BASE}hague-marrakech> skos:altLabel ?l }}")
    }
    assert {
        "Hague-Marrakech Memo",
        "Hague Marrakech Memo",
        "The-Hague Marrakech Memo",
        "The Hague-Marrakech Memo",
    } <= labels


def test_glossary_terms_are_sourced_to_their_footnotes(model):
    found = rows(
        model,
        f"""
        SELECT ?label ?source WHERE {{
          <{MEMO}/glossary> a skos:ConceptScheme ; skos:hasTopConcept ?t .
          ?t skos:inScheme <{MEMO}/glossary> ; skos:prefLabel ?label ; skos:definition ?d ;
             dcterms:source ?source ; gp:ordinal ?n .
        }} ORDER BY ?n""",
    )
    assert [(label, short(s)) for label, s in found] == [
        ("homegrown terrorism", "rabat-washington/fn1"),
        ("prevention", "rabat-washington/fn8"),
        ("intervention", "rabat-washington/fn21"),
        ("legal options", "rabat-washington/fn23"),
        ("administrative measures", "rabat-washington/fn24"),
    ]


def test_organisations_are_organisations_not_documents(model):
    found = rows(
        model,
        """
        SELECT ?o WHERE { ?o a <http://xmlns.com/foaf/0.1/Organization> .
          FILTER NOT EXISTS { ?o a dcterms:BibliographicResource } }""",
    )
    assert {short(o) for (o,) in found} >= {
        "org/gifct",
        "org/start",
        "org/tech-against-terrorism",
        "org/un-cted",
        "org/unodc",
        "org/acsrt",
        "org/eu-cooperation-mechanism",
        "org/morocco",
        "org/united-states",
        "org/gctf",
        "org/iij",
    }


def test_errata_are_editorial_notes_and_the_text_stays_as_printed(model):
    assert rows(model, f"SELECT ?n WHERE {{ <{MEMO}/gp11> skos:editorialNote ?n }}") == [
        (
            '"States may not be able to share specific to outside professionals" is as printed; '
            'a word appears to be missing after "specific".',
        )
    ]
    assert (
        rows(
            model,
            f"""SELECT ?d WHERE {{ <{MEMO}/gp11> skos:definition ?d
        FILTER(CONTAINS(?d, "may not be able to share specific to outside professionals")) }}""",
        )
        != []
    )


def test_alternative_labels_of_documents_are_names_the_text_uses(model):
    """A name variant is recorded because the text uses it: none is made up."""
    source = " ".join(re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*]", "", SOURCE.read_text(encoding="utf-8")).split())
    found = rows(
        model,
        """
        SELECT ?r ?label WHERE { ?r skos:altLabel ?label .
          FILTER NOT EXISTS { ?r a <http://xmlns.com/foaf/0.1/Organization> } }""",
    )
    assert len(found) >= 20
    assert [(short(r), label) for r, label in found if label not in source] == []
