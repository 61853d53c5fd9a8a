"""The views of a memorandum's citations: the matrix (a table) and the network (a picture)."""

from __future__ import annotations

from collections import defaultdict

from rdflib.namespace import DCTERMS, SKOS

from ...vocab import CITATION_TYPES, citation_rank, citation_type
from ..links import rel
from . import common

# The letters of the matrix's cells, one per CiTO property, in the table's order.
ABBREVIATIONS = dict(zip((t.name for t in CITATION_TYPES),
                         ("A", "Ag", "Q", "E", "R", "I", "Rel", "S", "X", "D", "Dis", "B", "M"),
                         strict=True))  # fmt: skip

# The order of the kinds of cited resources in both views.
CITED_ORDER = {"framework-document": 0, "cited-practice": 0, "resolution": 1, "document": 2,
               "initiative": 3, "organisation": 4}  # fmt: skip


def citing_units(site, memo) -> list:
    """The units of a memorandum that cite something, in source order."""
    read = site.read
    if site.citing_units is None:
        site.citing_units = {}
    if memo not in site.citing_units:
        # its units: what is in its scheme or part of it (``memorandum_of``), that cites
        near = set(read.subjects(SKOS.inScheme, memo)) | set(read.subjects(DCTERMS.isPartOf, memo))
        site.citing_units[memo] = {unit for unit in near
                                   if read.memorandum_of(unit) == memo and read.citations_from(unit)}  # fmt: skip
    return sorted(site.citing_units[memo], key=lambda u: (read.order_key(u)[0], str(u)))


def cited_of(site, units) -> list:
    read = site.read
    cited = {c.cited for u in units for c in read.citations_from(u)}

    def sort_key(n):
        scheme = read.value(n, SKOS.inScheme) if read.kind(n) == "cited-practice" else n
        return (CITED_ORDER.get(read.kind(n), 5), read.label(scheme).lower(),
                read.ordinal(n) or 0 if scheme != n else -1)  # fmt: skip

    return sorted(cited, key=sort_key)


def short_unit(site, unit) -> str:
    read = site.read
    kind = read.kind(unit)
    if kind == "practice":
        return f"GP{read.ordinal(unit)}"
    if kind == "section":
        return f"§{read.text(unit, SKOS.notation)}"
    return (read.label(unit) or "")[:5]


def view_page(site, here, template, title, memo, cited, context) -> None:
    """A view of a memorandum's citations: full width, its data the collection of what the
    memorandum cites, left out of search (its text is elsewhere)."""
    site.add(here, template, {"title": title, **context}, hide=["navigation", "toc"],
             jsonld=common.collection_document(site, title, cited, about=memo), searched=False)  # fmt: skip


def matrix(site, memo) -> None:
    read, urls = site.read, site.urls
    key = site.key(memo)
    here = f"matrix/{key}"
    practices = [p for section in read.sections(memo) for p in read.practices(section)]
    units = sorted(set(citing_units(site, memo)) | set(practices),
                   key=lambda u: (read.order_key(u)[0], str(u)))  # fmt: skip
    cited = cited_of(site, units)
    cells: dict[tuple, list[str]] = defaultdict(list)
    for u in units:
        for c in read.citations_from(u):
            abbreviation = ABBREVIATIONS.get(c.kind, "?")
            if abbreviation not in cells[(u, c.cited)]:
                cells[(u, c.cited)].append(abbreviation)

    def cell(u, n):
        marks = cells.get((u, n))
        if not marks:
            return None
        names = ", ".join(
            citation_type(k).label.lower() for k, a in ABBREVIATIONS.items() if a in marks
        )
        return {"marks": marks, "title": f"{short_unit(site, u)} {names}"}

    used = {a for marks in cells.values() for a in marks}
    context = {
        "memo": urls.link(here, memo, read.text(memo, DCTERMS.title)),
        "label": read.label(memo),
        "legend": [
            {"abbreviation": a, "label": citation_type(k).label}
            for k, a in ABBREVIATIONS.items()
            if a in used
        ],  # fmt: skip
        "columns": [
            {
                "href": urls.to_page(here, u),
                "title": read.full_label(u),
                "text": short_unit(site, u),
            }
            for u in units
        ],  # fmt: skip
        "rows": [{"link": urls.full(here, n), "cells": [cell(u, n) for u in units]} for n in cited],
        "network": rel(here, f"network/{key}/"),
    }
    view_page(
        site,
        here,
        "pages/matrix.html",
        f"Citation matrix: {read.label(memo)}",
        memo,
        cited,
        context,
    )


def network_drawing(site, units, cited, here: str) -> dict:
    """Where the picture puts each unit, each cited resource and each curve."""
    read = site.read
    row, top, left, right, width = 22, 30, 250, 560, 1100
    height = top + row * max(len(units), len(cited)) + 20
    shift_units = row * (len(cited) - len(units)) / 2 if len(cited) > len(units) else 0
    shift_cited = row * (len(units) - len(cited)) / 2 if len(units) > len(cited) else 0
    y_unit = {u: top + i * row + shift_units for i, u in enumerate(units)}
    y_cited = {n: top + i * row + shift_cited for i, n in enumerate(cited)}
    mid = (left + right) / 2
    edges = []
    for u in units:
        seen = set()
        for c in read.citations_from(u):
            if (c.cited, c.kind) in seen:
                continue
            seen.add((c.cited, c.kind))
            y1, y2 = y_unit[u], y_cited[c.cited]
            edges.append({
                "d": f"{left + 6},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {right - 6},{y2:.1f}",
                "colour": citation_type(c.kind).colour,
            })  # fmt: skip

    def node(n, x, y, limit, end):
        text = read.full_label(n)
        text = text if len(text) <= limit else text[: limit - 1] + "…"
        return {"href": site.urls.to_page(here, n), "x": x, "y": f"{y:.1f}", "text": text, "end": end,
                "text_x": x - 10 if end else x + 10, "text_y": f"{y + 4:.1f}"}  # fmt: skip

    nodes = [node(u, left, y_unit[u], 34, True) for u in units]
    nodes += [node(n, right, y_cited[n], 80, False) for n in cited]
    return {"width": width, "height": f"{height:.0f}", "left": left, "right": right,
            "edges": edges, "nodes": nodes}  # fmt: skip


def network(site, memo) -> None:
    read, urls = site.read, site.urls
    key = site.key(memo)
    here = f"network/{key}"
    units = citing_units(site, memo)
    cited = cited_of(site, units)
    kinds = sorted({c.kind for u in units for c in read.citations_from(u)}, key=citation_rank)
    context = {
        "memo": urls.link(here, memo, read.text(memo, DCTERMS.title)),
        "label": read.label(memo),
        "matrix": rel(here, f"matrix/{key}/"),
        "legend": [citation_type(k) for k in kinds],
        "svg": network_drawing(site, units, cited, here),
    }
    svg = site.templates.text("network.svg", {**context, "standalone": True})
    site.files[f"{here}/citations.svg"] = svg.encode("utf-8")
    view_page(site, here, "pages/network.html", f"Citation network: {read.label(memo)}", memo, cited,
              {**context, "standalone": False})  # fmt: skip
