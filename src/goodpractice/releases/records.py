"""Release records: what each release published, kept under ``content/releases/<version>/``
and committed with the content, so that every build (whoever runs it) knows the history.

A record holds:

    release.yaml        the version, the release date and the base IRI the record is written with
    content.nt          the content graph as sorted N-Triples, without what the publication derives
                        from it (the version, the releases, VoID statistics, distributions and
                        every dcterms:modified)
    context.jsonld      the JSON-LD context, ontology.nt the ontology's terms (sorted N-Triples),
    jsonld.schema.json  and the JSON Schema: what consumers' code relies on

The same content gives the same bytes: nothing in a record comes from the clock.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL

from ..content import Location, Problem, display_path, parse_date
from ..content.files import load_yaml
from ..export import ntriples
from ..ontology import ontology_file
from ..vocab import GP

RELEASES_DIR = "releases"
CONTRACT_FILES = ("context.jsonld", "ontology.nt", "jsonld.schema.json")
VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
# What the publication derives from the content: left out of a record.
DERIVED_PREDICATES = {
    DCTERMS.modified, OWL.versionInfo, URIRef(str(DCAT) + "version"), GP.changeSet,
}  # fmt: skip


class RecordError(Exception):
    """A record or a release cannot be made or read: the problems, each with file and line."""

    def __init__(self, problems: list[Problem], usage: bool = False):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems, self.usage = problems, usage


def version_key(version: str) -> tuple[int, int, int] | None:
    """``MAJOR.MINOR.PATCH`` as numbers (0.10.0 follows 0.9.0); None if it is not one."""
    match = VERSION.fullmatch(version or "")
    return tuple(int(part) for part in match.groups()) if match else None


@dataclass
class Record:
    version: str
    date: str
    base_iri: str
    folder: Path
    lines: list[str]  # the content graph's N-Triples lines, with the current base IRI
    contract: dict[str, bytes] = field(default_factory=dict)  # file name → bytes

    @property
    def key(self) -> tuple[int, int, int]:
        return version_key(self.version)

    @property
    def content_file(self) -> Path:
        return self.folder / "content.nt"


def recorded_lines(graph: Graph, base_iri: str) -> list[str]:
    """The content graph's lines as a record keeps them: sorted N-Triples without what the
    publication derives (the version, releases, statistics, distributions, modified dates)."""
    releases = base_iri + "dataset/"
    dataset = URIRef(base_iri + "dataset")
    kept = (
        (s, p, o)
        for s, p, o in graph
        if p not in DERIVED_PREDICATES
        and not str(s).startswith(releases)
        and not (s == dataset and (str(p).startswith(str(DCAT)) or "void#" in str(p)))
    )
    return ntriples(kept).decode("utf-8").splitlines(keepends=True)


def contract_files() -> dict[str, bytes]:
    """What consumers' code relies on, as it stands: the context, the ontology's terms (sorted
    N-Triples) and the JSON Schema."""
    ontology = Graph().parse(ontology_file("ontology.ttl"), format="turtle")
    return {
        "context.jsonld": ontology_file("context.jsonld").read_bytes(),
        "ontology.nt": ntriples(ontology),
        "jsonld.schema.json": ontology_file("jsonld.schema.json").read_bytes(),
    }


def release_yaml(version: str, date: str, base_iri: str) -> bytes:
    return (
        f"# The record of release {version}, written by `goodpractice release`: never edit it.\n"
        f'version: "{version}"\ndate: {date}\nbase_iri: {base_iri}\n'
    ).encode()


def read_records(content_dir: Path, base_iri: str) -> list[Record]:
    """Every release record under ``content/releases/``, oldest first, its IRIs rewritten to
    ``base_iri`` if it was recorded under another. Raises RecordError naming the file."""
    root = Path(content_dir) / RELEASES_DIR
    if not root.is_dir():
        return []
    records, problems = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        record = read_record(folder, base_iri, problems)
        if record is not None:
            records.append(record)
    if problems:
        raise RecordError(problems)
    return sorted(records, key=lambda r: r.key)


def read_record(folder: Path, base_iri: str, problems: list[Problem]) -> Record | None:
    meta_path = folder / "release.yaml"
    if not meta_path.is_file():
        problems.append(Problem(Location(meta_path, 1), "a release record needs release.yaml"))
        return None
    meta = load_yaml(meta_path)
    version = str(meta.get("version", "")) if hasattr(meta, "get") else ""
    date = str(meta.get("date", "")) if hasattr(meta, "get") else ""
    recorded_base = str(meta.get("base_iri", "")) if hasattr(meta, "get") else ""
    if version_key(version) is None or version != folder.name:
        problems.append(
            Problem(
                Location(meta_path, 1),
                f"version {version!r} must be MAJOR.MINOR.PATCH and the folder's name "
                f"({folder.name})",
            )
        )
        return None
    if parse_date(date) is None or not recorded_base:
        problems.append(Problem(Location(meta_path, 1), "release.yaml needs a date and base_iri"))
        return None
    missing = [n for n in ("content.nt", *CONTRACT_FILES) if not (folder / n).is_file()]
    if missing:
        problems.append(
            Problem(Location(meta_path, 1), f"the record of {version} has no {', '.join(missing)}")
        )
        return None
    text = (folder / "content.nt").read_text(encoding="utf-8")
    if recorded_base != base_iri:
        text = text.replace(f"<{recorded_base}", f"<{base_iri}")
    lines = text.splitlines(keepends=True)
    contract = {name: (folder / name).read_bytes() for name in CONTRACT_FILES}
    return Record(version, date, base_iri, folder, lines, contract)


def write_record(content_dir: Path, version: str, date: str, base_iri: str,
                 lines: list[str], contract: dict[str, bytes]) -> Path:  # fmt: skip
    """Write the record of ``version`` (all its files or none) and return its folder."""
    root = Path(content_dir) / RELEASES_DIR
    folder = root / version
    staging = root / f".{version}.writing"
    staging.mkdir(parents=True, exist_ok=False)
    try:
        (staging / "release.yaml").write_bytes(release_yaml(version, date, base_iri))
        (staging / "content.nt").write_bytes("".join(lines).encode("utf-8"))
        for name, data in contract.items():
            (staging / name).write_bytes(data)
        staging.rename(folder)
    except BaseException:
        for path in staging.glob("*"):
            path.unlink()
        staging.rmdir()
        raise
    return folder


def contract_terms(files: dict[str, bytes]) -> dict[str, dict[str, tuple[str, str]]]:
    """The contract's terms (see ``terms_of``), read once for the same files."""
    return terms_of(
        *(files[name] for name in ("context.jsonld", "ontology.nt", "jsonld.schema.json"))
    )


@functools.lru_cache(maxsize=8)
def terms_of(context_file: bytes, ontology_file_: bytes, schema_file: bytes) -> dict:
    """The contract as (part → name → (definition, wording)): the context's keys with what they
    expand to; the ontology's terms with their axioms and their labels and definitions (a
    change of wording is not a redefinition); the JSON Schema's root, definitions and the keys
    each lists (``schema_terms``)."""
    terms: dict[str, dict[str, tuple[str, str]]] = {"context": {}, "ontology": {}, "schema": {}}
    context = json.loads(context_file)["@context"]
    for key, value in context.items():
        value = {"@id": value} if isinstance(value, str) else value
        terms["context"][key] = (json.dumps(value, sort_keys=True), "")
    by_term: dict[str, list[list[str]]] = {}
    for line in ontology_file_.decode("utf-8").splitlines():
        subject, _, rest = line.partition(" ")
        if not subject.startswith("<"):
            continue
        predicate = rest.split(" ", 1)[0]
        wording = any(w in predicate for w in WORDING)
        by_term.setdefault(subject[1:-1], [[], []])[1 if wording else 0].append(rest)
    for name, (axioms, words) in by_term.items():
        terms["ontology"][name] = ("\n".join(sorted(axioms)), "\n".join(sorted(words)))
    schema = json.loads(schema_file)
    terms["schema"] = schema_terms(schema)
    return terms


# Keys of a JSON Schema that word it (annotations), rather than define what it accepts.
SCHEMA_WORDING = ("title", "description", "$comment", "examples")


def schema_terms(schema: dict) -> dict[str, tuple[str, str]]:
    """The JSON Schema's terms: the root (what a document must be), each definition
    (``$defs/node``) and each key a definition or the root lists under ``properties``
    (``$defs/nodeFields/properties/label``), each as (what it accepts, its wording). Anything a
    definition accepts differently (a type, a pattern, a required key, an enum) changes the
    first; only the annotations (``SCHEMA_WORDING``) change the second."""
    found: dict[str, tuple[str, str]] = {}

    def add(name: str, value) -> None:
        if isinstance(value, dict) and isinstance(value.get("properties"), dict):
            for key, sub in value["properties"].items():
                add(f"{name}/properties/{key}", sub)
            value = {k: v for k, v in value.items() if k != "properties"}  # each its own term
        found[name] = (
            json.dumps(strip_wording(value, False), sort_keys=True),
            json.dumps(strip_wording(value, True), sort_keys=True),
        )

    add("(root)", {k: v for k, v in schema.items() if k != "$defs"})
    for name, value in schema.get("$defs", {}).items():
        add(f"$defs/{name}", value)
    return found


SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_ONE = ("items", "not", "if", "then", "else", "contains", "additionalProperties",
              "unevaluatedProperties", "unevaluatedItems", "propertyNames")  # fmt: skip


def strip_wording(value, wording: bool):
    """A schema without its annotations (``wording`` False), or only its annotations (None if
    it has none). Values (``const``, ``enum``, ``required``, …) are kept as they are: a key
    named "description" in a ``const`` is a value, not an annotation."""
    if not isinstance(value, dict):
        return None if wording else value
    kept = {}
    for key, sub in value.items():
        if key in SCHEMA_WORDING:
            found = sub if wording else None
        elif key in SCHEMA_MAPS and isinstance(sub, dict):
            found = {k: strip_wording(v, wording) for k, v in sub.items()}
            found = {k: v for k, v in found.items() if v is not None} if wording else found
        elif key in SCHEMA_LISTS and isinstance(sub, list):
            found = [strip_wording(v, wording) for v in sub]
            found = found if not wording or any(v is not None for v in found) else None
        elif key in SCHEMA_ONE:
            found = strip_wording(sub, wording)
        else:
            found = None if wording else sub
        if found is not None and (found or not wording):
            kept[key] = found
    return kept if kept or not wording else None


# Predicates of an ontology term that word it, rather than define it.
WORDING = (
    "rdf-schema#label", "rdf-schema#comment", "core#definition", "core#editorialNote",
    "core#changeNote", "core#scopeNote", "core#example", "owl#deprecated",
    "terms/isReplacedBy", "owl#versionInfo", "owl#versionIRI",
)  # fmt: skip


def describe_missing(record: Record, missing: list[str]) -> list[Problem]:
    """One problem per released resource the content no longer has, at its record's line."""
    first_line: dict[str, int] = {}
    wanted = set(missing)
    for number, line in enumerate(record.lines, start=1):
        subject = line[1 : line.index(">")] if line.startswith("<") else ""
        if subject in wanted and subject not in first_line:
            first_line[subject] = number
    return [
        Problem(
            Location(record.content_file, first_line.get(iri, 1)),
            f"{iri} was published in release {record.version} and is missing from the "
            "content: a released IRI never vanishes. Keep the resource and retire it with "
            "'deprecated: true', 'change_note:' (why) and, if something replaces it, "
            "'replaced_by:' (its key)",
        )
        for iri in missing
    ]


def record_path(folder: Path) -> str:
    return display_path(folder)
