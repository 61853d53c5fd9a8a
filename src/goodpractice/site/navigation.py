"""What MkDocs is told besides the pages: the navigation, and the examples the hand-written
pages of docs/ take from the data."""

from __future__ import annotations

from ..vocab import CITATION_TYPES, GP
from .pages import Site
from .pages.carry import first_citations
from .pages.memorandum import glossary_of

# How many memoranda the navigation lists section by section; the others are reached from the
# memoranda index, so that the navigation (which every page carries) stays the same size.
NAV_MEMORANDA = 1


def navigation(site: Site) -> list:
    read = site.read
    nav: list = [{"Home": "index.md"}]
    for memo in read.memoranda[:NAV_MEMORANDA]:
        key = site.key(memo)
        items = [
            {"Overview": f"{key}/index.md"},
            {"Introduction": f"{site.key(read.value(memo, GP.introduction))}/index.md"},
        ]
        for section in read.sections(memo):
            items.append({read.label(section): f"{site.key(section)}/index.md"})
        items.append({"Conclusion": f"{site.key(read.value(memo, GP.conclusion))}/index.md"})
        glossary = glossary_of(site, memo)
        if glossary is not None:
            items.append({"Glossary": f"{site.key(glossary)}/index.md"})
        items.append({"Citation matrix": f"matrix/{key}/index.md"})
        items.append({"Citation network": f"network/{key}/index.md"})
        nav.append({read.label(memo): items})
    nav.append({"Indexes": [{"Memoranda": "memoranda/index.md"},
                            {"Cited documents": "documents/index.md"},
                            {"Organisations": "organisations/index.md"}]})  # fmt: skip
    nav.append({"About the data": [{"Data model": "def/index.md"},
                                   {"Citations": "citations.md"},
                                   {"Editing the content": "editing.md"},
                                   {"Downloads": "dataset/index.md"},
                                   {"Queries": "queries/index.md"}]})  # fmt: skip
    return nav


def prose_examples(site: Site) -> dict[str, dict[str, str]]:
    """What the hand-written pages take from the data: in docs/citations.md, each
    ``{{ example: citesAsAuthority }}`` becomes the first citation of that kind in the data,
    linked, with its citing words; so the prose fits any corpus."""
    read = site.read
    first = first_citations(site)  # (kept from the last render where it can be)
    examples = {}
    for kind in (t.name for t in CITATION_TYPES):
        c = first.get(kind)
        if c is None:
            text = "none in this edition's data"
        else:
            source = c.source if c.source is not None else c.citing
            label = read.label(source if read.kind(source) == "footnote" else c.citing)
            name = f"{label} of {read.short_label(read.memorandum_of(c.citing))}"
            text = f"[{name}]({site.key(source)}/index.md)"
            if c.words:
                words = c.words.replace("|", "\\|").replace("*", "\\*")
                text += f": “{words}”"
        examples["{{ example: " + kind + " }}"] = text
    return {"citations.md": examples}
