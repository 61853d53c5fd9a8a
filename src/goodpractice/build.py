"""The build pipeline: content → graph → validate → exports, written all at once or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from .content import Content, ContentError, Location, Problem, load_content
from .export import dataset_files
from .fidelity import check_fidelity, paragraph_iri
from .graph import build_graph


@dataclass
class Model:
    """The loaded content and the graph built from it."""

    content: Content
    graph: Graph
    locations: dict[URIRef, Location] = field(default_factory=dict)


def load_model(content_dir: Path, base_iri: str | None = None) -> Model:
    content = load_content(content_dir, base_iri)
    graph = build_graph(content)
    return Model(content, graph, locate(content))


def locate(content: Content) -> dict[URIRef, Location]:
    """Where each resource is defined in the content files, for messages a maintainer can act on."""
    base = content.publication.base_iri
    where: dict[URIRef, Location] = {}
    for entry in content.catalogue.values():
        where[URIRef(base + entry.key)] = entry.location
        for practice in entry.practices:
            where[URIRef(f"{base}{entry.key}/{practice.notation.lower()}")] = practice.location
    for memo in content.memoranda:
        where[URIRef(base + memo.key)] = memo.location
        for unit in [*memo.units(), *memo.footnotes]:
            node = URIRef(f"{base}{memo.key}/{unit.key}")
            if unit.location:
                where[node] = unit.location
            body = unit.texts[-1]  # the last text of a unit is its body (a practice: title, body)
            for index in range(len(body.paragraphs)):
                where[paragraph_iri(node, index)] = body.paragraph_location(index)
        if memo.glossary:
            where[URIRef(f"{base}{memo.key}/{memo.glossary.key}")] = memo.glossary.location
            for term in memo.glossary.terms:
                where[URIRef(f"{base}{memo.key}/{memo.glossary.key}/{term.key}")] = term.location
    where[URIRef(base + "dataset")] = content.publication.location
    return where


def fidelity_problems(model: Model) -> list[Problem]:
    problems = []
    for memo in model.content.memoranda:
        scheme = URIRef(model.content.publication.base_iri + memo.key)
        problems += check_fidelity(model.graph, scheme, memo.source, memo.headings, model.locations)
    return problems


def build(
    content_dir: Path, out_dir: Path, base_iri: str | None = None, site_dir: Path | None = None
) -> dict[str, bytes]:
    """Load, check and export; write ``out_dir`` (and the site, into ``site_dir``, if given)
    only if every stage succeeded."""
    model = load_model(content_dir, base_iri)
    from .validate import validate  # here: validate.py imports this module

    violations = validate(model).violations  # SHACL shapes and fidelity; warnings do not stop it
    if violations:
        raise ContentError([finding.as_problem() for finding in violations])
    files = dataset_files(model.graph)
    # The exports are written first but put in place last: if the site fails, neither changes.
    staging = stage_tree(out_dir, files)
    try:
        if site_dir is not None:
            from .site import build_site  # MkDocs loads only when a site is built

            build_site(model.graph, site_dir, exports=files)
        replace_dir(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def write_tree(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write files into a temporary sibling folder, then swap it into place in one step."""
    staging = stage_tree(out_dir, files)
    try:
        replace_dir(staging, Path(out_dir))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def stage_tree(out_dir: Path, files: dict[str, bytes]) -> Path:
    """Write files into a new temporary sibling of ``out_dir`` and return it (not yet in place)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for relative, data in sorted(files.items()):
            target = staging / relative
            if not target.resolve().is_relative_to(staging.resolve()):
                raise ValueError(f"refusing to write {relative!r} outside {out_dir}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def replace_dir(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``, replacing what was there only once ``new`` is complete."""
    os.chmod(new, 0o755)
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target)
