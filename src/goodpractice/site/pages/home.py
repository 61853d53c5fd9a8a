"""The home page: the dataset, the first memoranda at a glance, how to cite."""

from __future__ import annotations

from rdflib.namespace import DCTERMS, OWL, SKOS

from ...vocab import RESOURCE_FORMATS
from .memorandum import contents

# How many memoranda the home page shows at a glance, contents and all.
HOME_MEMORANDA = 3


def home(site) -> None:
    read, urls = site.read, site.urls
    here = ""
    dataset = read.dataset
    shown = read.memoranda[:HOME_MEMORANDA]
    memoranda = []
    for memo in shown:
        sections = read.sections(memo)
        memoranda.append(
            {
                "label": read.label(memo),
                "link": urls.link(here, memo, read.text(memo, DCTERMS.title)),
                "publisher": urls.link(here, read.value(memo, DCTERMS.publisher)),
                "issued": read.text(memo, DCTERMS.issued),
                "history": read.text(memo, SKOS.historyNote) or "",
                "sections": len(sections),
                "practices": sum(len(read.practices(s)) for s in sections),
                "contents": contents(site, memo, here),
                "year": (read.text(memo, DCTERMS.issued) or "")[:4],
                "title": read.text(memo, DCTERMS.title),
                "iri": str(memo),
            }
        )
    first = next(
        (p for m in read.memoranda for s in read.sections(m) for p in read.practices(s)), None
    )
    context = {
        "title": read.text(dataset, DCTERMS.title) or "Home",
        "description": read.text(dataset, DCTERMS.description) or "",
        "memoranda": memoranda,
        "all_memoranda": len(read.memoranda) if len(read.memoranda) > HOME_MEMORANDA else 0,
        "version": read.text(dataset, OWL.versionInfo) or "",
        "example": str(first) if first is not None else "",
        "base": site.base,
    }
    site.add(
        here,
        "pages/home.html",
        context,
        iri=dataset,
        jsonld=site.embedded(dataset),
        alternates=[(f.media_type, f"dataset.{f.extension}") for f in RESOURCE_FORMATS],
    )
