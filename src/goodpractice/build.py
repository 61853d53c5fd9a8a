"""The build pipeline: content → graph → validate → exports, written all at once or not at all."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from rdflib import Graph, URIRef

from .content import Content, ContentError, Location, Problem, load_content
from .export import forget_index, iter_dataset_files, published_graph
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


@dataclass
class Built:
    files: StagedFiles  # the exports written to out_dir, by path
    site_pages: int | None  # the pages of the site, if one was built


def build(
    content_dir: Path, out_dir: Path, base_iri: str | None = None, site_dir: Path | None = None
) -> Built:
    """Load, check and export; write ``out_dir`` (and the site, into ``site_dir``, if given)
    only if every stage succeeded."""
    model = load_model(content_dir, base_iri)
    from .validate import BackgroundCheck  # here: validate.py imports this module

    # SHACL shapes and fidelity, on a large graph in a second process while this one exports
    # and renders. Only violations stop the build; warnings do not.
    check = BackgroundCheck(model)
    files = site = None
    try:
        stop_if_violated(check, wait=False)
        # The exports are written first but put in place last: if the site fails, neither
        # changes. Each file goes to disk as it is made, and the site links to the staged files.
        files = stage_tree(out_dir, iter_dataset_files(model.graph))
        if site_dir is not None:
            stop_if_violated(check, wait=False)
            from .site import build_site  # MkDocs loads only when a site is built

            # The site reads the published graph alone: the exports' index can go.
            published = published_graph(model.graph)
            forget_index(model.graph)
            # The check's verdict is awaited before the site replaces the last one.
            site = build_site(
                published,
                site_dir,
                exports=files,
                before_replace=functools.partial(stop_if_violated, check, wait=True),
            )
        stop_if_violated(check, wait=True)
        replace_dir(files.root, out_dir)
    except BaseException as error:
        if files is not None:
            shutil.rmtree(files.root, ignore_errors=True)
        if not isinstance(error, (ContentError, KeyboardInterrupt)):
            # Content that breaks the shapes can break an export or a page too: its problems,
            # once the check has them, say more than the error they caused.
            try:
                violations = check.violations()
            except Exception:  # noqa: BLE001 - the check failed too: the first error stands
                violations = []
            if violations:
                raise ContentError([finding.as_problem() for finding in violations]) from error
        raise
    finally:
        check.close()
    return Built(StagedFiles(Path(out_dir), files.sizes), site.pages if site else None)


def stop_if_violated(check, wait: bool) -> None:
    """Raise the check's violations as a ContentError, once it has ended (or now, if ``wait``)."""
    if wait or check.done():
        violations = check.violations()
        if violations:
            raise ContentError([finding.as_problem() for finding in violations]) from None


class StagedFiles(Mapping[str, bytes]):
    """Files written under a folder, by relative path. Only their sizes are kept in memory: a
    file's bytes are read from disk when asked for, and ``path`` lets a copy be a hard link."""

    def __init__(self, root: Path, sizes: dict[str, int]):
        self.root = root
        self.sizes = sizes

    def __getitem__(self, name: str) -> bytes:
        if name not in self.sizes:
            raise KeyError(name)
        return (self.root / name).read_bytes()

    def __contains__(self, name: object) -> bool:
        return name in self.sizes

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def size(self, name: str) -> int:
        return self.sizes[name]

    def path(self, name: str) -> Path:
        return self.root / name


def write_tree(
    out_dir: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]
) -> StagedFiles:
    """Write files into a temporary sibling folder, then swap it into place in one step."""
    staged = stage_tree(out_dir, files)
    try:
        replace_dir(staged.root, Path(out_dir))
    except BaseException:
        shutil.rmtree(staged.root, ignore_errors=True)
        raise
    return StagedFiles(Path(out_dir), staged.sizes)


def stage_tree(
    out_dir: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]
) -> StagedFiles:
    """Write files (a mapping, or (path, bytes) pairs as they are made) into a new temporary
    sibling of ``out_dir``; return them there, not yet in place."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent)).resolve()
    pairs = sorted(files.items()) if isinstance(files, Mapping) else files
    sizes: dict[str, int] = {}
    made: set[Path] = {staging}
    try:
        for relative, data in pairs:
            # Judged by the name alone: the folder is new and holds no links, so a name that
            # stays inside it lexically stays inside it.
            normal = PurePath(os.path.normpath(relative))
            if normal.is_absolute() or normal.drive or normal.parts[:1] == ("..",):
                raise ValueError(f"refusing to write {relative!r} outside {out_dir}")
            if normal.parts in ((), (".",)):
                raise ValueError(f"{relative!r} is not the name of a file")
            relative = normal.as_posix()
            target = staging / normal
            if relative in sizes:
                raise ValueError(f"two exports would be written to {relative!r}")
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            sizes[relative] = len(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return StagedFiles(staging, sizes)


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
