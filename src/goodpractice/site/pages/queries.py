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
from ...vocab import DCAT3, GP
from ..links import Link, rel
from .carry import document_of
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
    answers, groups = last_answers(site, graph)
    if answers is None:
        # the file on disk where the exports are (read by pyoxigraph, not held in memory twice)
        path_of = getattr(site.exports, "path", None)
        if DATASET_FILE in site.exports:
            data = Path(path_of(DATASET_FILE)) if path_of else site.exports[DATASET_FILE]
        else:
            data = read.graph.serialize(format="nt", encoding="utf-8")
        answers = answered(data, site.base, graph)
        site.carry.stats["queries answered"] += 1
    site.carry.kept["queries"] = {"graph": graph, "answers": answers, "groups": groups}
    items = []
    for q, text, names, rows in answers:
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


# --------------------------------------------------------------------------------------------
# The answers of the last render, while no triple a query can match changed


def relevant(site, predicates: frozenset, documents: set | None = None) -> dict | None:
    """The triples with one of ``predicates``, by the document of their subject (None for a
    blank node), of ``documents`` only if given (and always of the blank nodes and the
    ontology's, whose changes ``only`` does not name); None without the triples at hand."""
    by_subject = getattr(site.read.view, "by_subject", None)
    if by_subject is None:
        return None
    wanted = {URIRef(p) for p in predicates}
    found: dict = {}
    for subject, triples in by_subject.items():
        document = document_of(subject) if isinstance(subject, URIRef) else None
        if documents is not None and document not in documents and document not in ALWAYS:
            continue
        for triple in triples:
            if triple[1] in wanted:
                found.setdefault(document, set()).add(triple)
    return {document: frozenset(triples) for document, triples in found.items()}


ALWAYS = {None, document_of(GP)}  # the blank nodes', the ontology's


def query_predicates(base: str) -> frozenset | None:
    found = set()
    for q in competency.queries():
        names = q.predicates(base)
        if names is None:
            return None
        found |= names
    return frozenset(found)


def last_answers(site, graph: str) -> tuple:
    """The answers of the last render and the query triples by document, if no triple a
    query can match changed (the documents of ``only`` looked at); else (None, the triples
    by document, if known)."""
    carry, last = site.carry, site.carry.last.get("queries")
    predicates = query_predicates(site.base)
    if last is None or last["groups"] is None or predicates is None or carry.changed is None:
        return None, None
    now = relevant(site, predicates, carry.changed)
    if now is None:
        return None, None
    looked = carry.changed | ALWAYS
    groups = {d: t for d, t in last["groups"].items() if d not in looked}
    groups.update(now)
    same = all(last["groups"].get(d) == now.get(d) for d in looked | now.keys())
    if not same or last["graph"] != graph:
        return None, groups
    carry.stats["queries reused"] += 1
    return last["answers"], groups


def finish(site) -> None:
    """What the next render needs that this one did not make: the query triples by document
    (a full render; an update's are made from the last ones)."""
    kept = site.carry.kept.get("queries")
    predicates = query_predicates(site.base)
    if kept is not None and kept["groups"] is None and predicates is not None:
        kept["groups"] = relevant(site, predicates)
