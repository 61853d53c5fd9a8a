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

    def text(self, base_iri: str = QUERY_BASE, graph: str | None = None) -> str:
        """The query to run: rebased on ``base_iri``, and reading only the named graph
        ``graph`` (``FROM <graph>``) when one is given."""
        text = self.source
        if base_iri != QUERY_BASE:
            text = text.replace(_BASE_LINE, f"BASE <{base_iri}>", 1)
        if graph is not None:
            text = _WHERE_LINE.sub(lambda m: f"FROM <{graph}>\n{m.group(0)}", text, count=1)
        return text


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
