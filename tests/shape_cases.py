"""The shape cases of tests/cases/shapes/*.yaml, and the goodpractice entry points they run through.

Each YAML file holds a list of cases; a case is, in one place:

    - name: cites an undescribed resource   # unique across all files
      batch: 1                              # validated together with the other cases of batch 1
      updates:                              # applied in order to a copy of the published graph
        - add: <rabat-washington/gp5> cito:cites <nowhere/cited>
      expect:                               # every top-level result pySHACL gives, no more
        - severity: Violation
          focus: nowhere/cited              # key of the focus node, or _:blank
          path: rdf:type                    # the result path as prefixed names, or ""
          message: A resource is cited ...  # the message, the base IRI removed

An update is one of (``<key>`` is an IRI relative to the base IRI; prefixes as in PREFIXES):

    add: <s> p o         INSERT DATA { <s> p o }
    remove: <s> p        DELETE WHERE { <s> p ?o }     (every value of p on s)
    unlink: p <o>        DELETE WHERE { ?s p <o> }     (every p link to o)
    replace: <s> p o     the values of p on s replaced by o (added if there were none)
    sparql: ...          any SPARQL UPDATE

The cases of one batch must not mask one another (two cases replacing the same value would):
each case alone gives exactly its results, and a batch exactly the union of its cases' results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph

from .conftest import BASE

CASES_DIR = Path(__file__).parent / "cases" / "shapes"

PREFIXES = """PREFIX gp: <https://w3id.org/gctf-good-practices/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

Finding = tuple[str, str, str, str]  # severity, focus key, path, message


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    batch: int
    updates: tuple[str, ...]  # SPARQL UPDATE requests, without PREFIXES
    expected: tuple[Finding, ...]


def absolute(text: str) -> str:
    """``text`` with every relative ``<key>`` made an IRI under the base IRI."""
    return re.sub(r"<([^<>\s:]+)>", lambda m: f"<{BASE}{m[1]}>", text)


def update(operation: dict) -> str:
    """The SPARQL UPDATE request of one ``updates`` entry."""
    ((kind, text),) = operation.items()
    text = absolute(text)
    if kind == "sparql":
        return text
    if kind == "remove":
        return f"DELETE WHERE {{ {text} ?o }}"
    if kind == "unlink":
        return f"DELETE WHERE {{ ?s {text} }}"
    s, p, o = text.split(" ", 2)
    if kind == "add":
        return f"INSERT DATA {{ {s} {p} {o} }}"
    if kind == "replace":
        return (
            f"DELETE {{ {s} {p} ?x }} INSERT {{ {s} {p} {o} }} "
            f"WHERE {{ OPTIONAL {{ {s} {p} ?x }} }}"
        )
    raise ValueError(f"unknown update {kind!r}")


def load(folder: Path = CASES_DIR) -> list[Case]:
    cases, seen = [], set()
    for file in sorted(folder.glob("*.yaml")):
        for entry in yaml.safe_load(file.read_text(encoding="utf-8")):
            assert set(entry) == {"name", "batch", "updates", "expect"}, (file.name, entry)
            assert entry["name"] not in seen, f"{file.name}: {entry['name']!r} is listed twice"
            seen.add(entry["name"])
            expected = tuple(
                (f["severity"], f["focus"], f["path"], f["message"]) for f in entry["expect"]
            )
            assert len(set(expected)) == len(expected), entry["name"]
            cases.append(
                Case(
                    name=entry["name"],
                    file=file.name,
                    batch=entry["batch"],
                    updates=tuple(update(u) for u in entry["updates"]),
                    expected=expected,
                )
            )
    return cases


ALL = load()
CASES = {case.name: list(case.updates) for case in ALL}
EXPECTED = {case.name: list(case.expected) for case in ALL}
BATCHES = [
    [case.name for case in ALL if case.batch == number]
    for number in sorted({case.batch for case in ALL})
]


def mutated(published: Graph, names: list[str]) -> Graph:
    """A copy of ``published`` with the updates of the named cases applied, in order."""
    data = Graph()
    data += published
    for name in names:
        for request in CASES[name]:
            data.update(PREFIXES + request)
    return data


# --------------------------------------------------------------------------------------------
# The goodpractice entry points the shape tests use: the one place to follow a module move


def build(content: Path, out: Path) -> None:
    from goodpractice.pipeline import build

    build(content, out)


def shapes_run():
    """A record of how a run of the shapes went (``.processes``: the ids of the processes that
    validated)."""
    from goodpractice.check import ShapesRun

    return ShapesRun()


def run_shapes(data: Graph, processes: int | None = None, run=None) -> Graph:
    from goodpractice.check import run_shapes

    return run_shapes(data, processes=processes, run=run)
