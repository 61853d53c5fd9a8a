"""The competency questions: the SPARQL queries a toolkit maintainer asks of the dataset.

Each question is one ``*.rq`` file of this package, stated once, for every page and tool that
shows or runs it (the site's Queries page, the form of ``goodpractice serve``'s ``/sparql``,
the tests and the benchmark). A file starts with ``# title: …`` (the question as a reader
reads it), then any ``# …`` lines that explain the answer, then the query. The queries name
resources by IRIs relative to ``BASE <https://w3id.org/gctf-good-practices/>``, so
:meth:`Query.text` can rebase them for a publication with another base IRI, and they have no
``FROM``: :meth:`Query.text` adds ``FROM <graph>`` when asked, to address a release's named
graph in a store whose default graph means something else.

    >>> from goodpractice.queries import queries
    >>> [q.name for q in queries()][:1]
    ['practices-citing-2396']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urljoin

# The base the query files are written against: the published base IRI.
QUERY_BASE = "https://w3id.org/gctf-good-practices/"
_BASE_LINE = f"BASE <{QUERY_BASE}>"
_WHERE_LINE = re.compile(r"^WHERE \{", re.MULTILINE)


@dataclass(frozen=True)
class Query:
    name: str  # the file name without its number and ``.rq``: ``practices-citing-2396``
    title: str  # the question, as a reader reads it
    comment: str  # what the rows of the answer are ("" if the file says nothing more)
    source: str  # the file's text, comments included

    def predicates(self, base_iri: str = QUERY_BASE) -> frozenset[str] | None:
        """The IRIs of the predicates the query's triple patterns match (``a`` is rdf:type),
        so that its answer is the same while no triple with one of them changes; None if a
        pattern's predicate is not a plain IRI or a path of alternatives (``p|q``)."""
        return predicates(self.text(base_iri))

    def text(self, base_iri: str = QUERY_BASE, graph: str | None = None) -> str:
        """The query to run: rebased on ``base_iri``, and reading only the named graph
        ``graph`` (``FROM <graph>``) when one is given."""
        text = self.source
        if base_iri != QUERY_BASE:
            text = text.replace(_BASE_LINE, f"BASE <{base_iri}>", 1)
        if graph is not None:
            text = _WHERE_LINE.sub(lambda m: f"FROM <{graph}>\n{m.group(0)}", text, count=1)
        return text


_TOKEN = re.compile(
    r'<[^>]*>|"(?:[^"\\]|\\.)*"|[?$]\w+|[A-Za-z][\w-]*:[\w-]*|:[\w-]*|[A-Za-z]\w*|\S'
)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def predicates(text: str) -> frozenset[str] | None:
    """The predicates of the triple patterns of a SELECT query's WHERE clause (``Query``)."""
    prefixes = dict(re.findall(r"^PREFIX\s+([\w-]*):\s*<([^>]*)>", text, re.MULTILINE))
    base = re.search(r"^BASE\s*<([^>]*)>", text, re.MULTILINE)
    start, end = text.find("WHERE {"), text.rfind("}")
    if start < 0 or end < start:
        return None
    found, place, depth = set(), "subject", 0
    tokens = iter(_TOKEN.findall(text[start + len("WHERE {") : end]))
    for token in tokens:
        if token in ("FILTER", "BIND"):  # an expression: skipped to its closing parenthesis
            depth = 0
            for inner in tokens:
                if inner == "EXISTS":  # a pattern inside the expression: not followed
                    return None
                depth += {"(": 1, ")": -1}.get(inner, 0)
                if depth == 0 and inner == ")":
                    break
        elif token in ("OPTIONAL", "UNION"):
            continue
        elif token in ("[", "(", "/", "^", "*", "+", "?", "!"):
            return None  # a blank node's patterns, a list, a path: not followed
        elif token in ("{", "}", "."):
            place = "subject"
        elif token == ";":
            place = "predicate"
        elif token == ",":
            place = "object"
        elif place == "predicate":
            if token == "|":
                continue
            if token == "a":
                found.add(_RDF_TYPE)
            elif token.startswith("<"):
                found.add(urljoin(base.group(1) if base else "", token[1:-1]))
            elif ":" in token and token.split(":", 1)[0] in prefixes:
                name, local = token.split(":", 1)
                found.add(prefixes[name] + local)
            else:
                return None  # a variable, or a path this reading does not follow
            place = "after-predicate"
        elif place == "after-predicate":
            place = "predicate" if token == "|" else "object"
        elif place == "subject":
            place = "predicate"
    return frozenset(found)


def _parse(file_name: str, source: str) -> Query:
    lines = source.splitlines()
    if not lines or not lines[0].startswith("# title: "):
        raise ValueError(f"{file_name}:1: a query file starts with '# title: '")
    if _BASE_LINE not in source or not _WHERE_LINE.search(source):
        raise ValueError(f"{file_name}: a query file has '{_BASE_LINE}' and a line 'WHERE {{'")
    comment = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        comment.append(line.removeprefix("#").strip())
    name = re.sub(r"^\d+-", "", file_name.removesuffix(".rq"))
    return Query(name, lines[0].removeprefix("# title: ").strip(), " ".join(comment), source)


@cache
def queries() -> tuple[Query, ...]:
    """Every competency question, in the order of its file's number."""
    files = sorted(f for f in resources.files(__package__).iterdir() if f.name.endswith(".rq"))
    return tuple(_parse(f.name, f.read_text(encoding="utf-8")) for f in files)


def query(name: str) -> Query:
    """The competency question with this name (``practices-citing-2396``, …)."""
    for q in queries():
        if q.name == name:
            return q
    raise KeyError(
        f"no query named {name!r}; the queries are: {', '.join(q.name for q in queries())}"
    )
