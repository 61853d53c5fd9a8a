"""The Queries page: the competency questions (``goodpractice.queries``), each with its SPARQL
text and its answer, computed when the site is built by pyoxigraph over the published triples
held in the current release's named graph, the graph each query names with ``FROM``; and a
link that runs it live on the SPARQL endpoint of ``goodpractice serve``."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
from rdflib import URIRef

from ... import queries as competency
from ...vocab import DCAT3
from ..links import Link, rel
from .common import LIST_PAGE

PATH = "queries"
DATASET_FILE = "dataset.nt"
ENDPOINT = "sparql"  # where goodpractice serve answers SPARQL, beside the site's root
_PREFIX = re.compile(r"^PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.MULTILINE)


def answered(data: bytes | Path, base: str, graph: str) -> list[tuple]:
    """Each competency question as the page shows it: (query, its text with ``FROM <graph>``,
    its variables, its rows), answered by pyoxigraph over ``data`` (N-Triples, or the file that
    holds them) loaded into the named graph ``graph``, as ``goodpractice publish`` loads a
    store."""
    store = pyoxigraph.Store()
    source = {"path": str(data)} if isinstance(data, Path) else {"input": data}
    store.bulk_load(
        **source, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(graph)
    )
    results = []
    for q in competency.queries():
        # shown and run without its opening comments: the page gives the title and comment
        text = re.sub(r"\A(#[^\n]*\n)+", "", q.text(base, graph=graph))
        solutions = store.query(text)
        names = [v.value for v in solutions.variables]
        results.append((q, text, names, [[s[name] for name in names] for s in solutions]))
    return results


def queries(site) -> None:
    read = site.read
    here = PATH
    release = read.value(read.dataset, DCAT3.hasCurrentVersion)
    graph = str(release) if release is not None else str(read.dataset)
    # the file on disk where the exports are (read by pyoxigraph, not held in memory twice)
    path_of = getattr(site.exports, "path", None)
    if DATASET_FILE in site.exports:
        data = Path(path_of(DATASET_FILE)) if path_of else site.exports[DATASET_FILE]
    else:
        data = read.graph.serialize(format="nt", encoding="utf-8")
    items = []
    for q, text, names, rows in answered(data, site.base, graph):
        prefixes = {iri: name for name, iri in _PREFIX.findall(text)}
        items.append(
            {
                "id": q.name,
                "title": q.title,
                "comment": q.comment,
                "text": text,
                "live": rel(here, ENDPOINT) + "?query=" + quote(text, safe=""),
                "columns": names,
                "rows": [[cell(site, here, v, prefixes) for v in row] for row in rows[:LIST_PAGE]],
                "total": len(rows),
            }
        )
    context = {
        "title": "Queries",
        "description": "Questions a toolkit maintainer asks of the data, in SPARQL, with their answers.",
        "graph": graph,
        "version": read.version or "",
        "queries": items,
        "list_page": LIST_PAGE,
        "downloads": rel(here, "dataset/"),
    }
    site.add(here, "pages/queries.html", context, description=context["description"])


def cell(site, here: str, term, prefixes: dict[str, str]) -> Link:
    """A value of an answer: a resource of the dataset linked to its page and named by its path
    (the query's ``BASE``), another IRI by the query's prefix, a literal as it is."""
    if term is None:
        return Link(None, "")
    if isinstance(term, pyoxigraph.NamedNode):
        iri = term.value
        if iri.startswith(site.base):
            return site.urls.link(here, URIRef(iri), iri.removeprefix(site.base))
        for namespace, name in prefixes.items():
            if iri.startswith(namespace) and re.fullmatch(r"[\w-]+", iri[len(namespace) :]):
                return Link(iri, f"{name}:{iri[len(namespace) :]}")
        return Link(iri, iri)
    return Link(None, term.value)
