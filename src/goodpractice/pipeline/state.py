"""What a build leaves beside build/ so that the next ``goodpractice build`` over the same output
redoes only what changed, as ``goodpractice serve`` does between two edits.

The state file (``.build.goodpractice-state`` beside ``build/``) holds what the last build read
(each content file's time and size) and what it left that cannot be read back from its output
(the resources it wrote files for, and what an update of the site needs: each page's
fingerprint, the theme's shells, the search entries). The published graph is read back from
``build/dataset.nt``. The state is used only if it was made by this very code (its files and
the versions of the libraries that shape the output), for the same content folder, base IRI and
site folder, and if build/ and site/ are still the folders it left (nobody replaced them); and,
as in serve, only if the files changed since are ones a rebuild follows. Anything else is a full
build. A state that cannot be read is no error: it is a full build too.

The file is written after both folders are in place, to a temporary name and renamed, so a
build stopped at any moment leaves either no state or one that matches the folders.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from ..graph.terms import from_oxigraph
from . import incremental

STATE_FORMAT = 1
# The libraries whose versions shape the output: a state made with others is not used
LIBRARIES = ("rdflib", "pyoxigraph", "PyLD", "pyshacl", "mkdocs", "mkdocs-material", "orjson")
PACKAGE = Path(__file__).resolve().parent.parent  # src/goodpractice


@dataclass
class State:
    key: tuple  # what the state is valid for (``state_key``)
    content: dict  # the content files when the build started (``incremental.content_state``)
    folders: tuple  # build/ and site/ as the build left them (device, inode)
    resources: set  # the resources with files of their own
    site: object | None  # the site's memory (``site.incremental.SiteMemory``), or None

    @classmethod
    def of(cls, built, content: dict, content_dir: Path, base_iri: str | None, out_dir: Path,
           site_dir: Path | None) -> State:  # fmt: skip
        """What a build (``pipeline.Built``) that started with the content files ``content``
        leaves."""
        return cls(state_key(content_dir, base_iri, site_dir), content,
                   incremental.identities(out_dir, site_dir), built.resources,
                   built.site_memory)  # fmt: skip

    @classmethod
    def of_last(cls, last: incremental.Last, content_dir: Path, base_iri: str | None,
                site_dir: Path | None) -> State:  # fmt: skip
        """What a rebuilder's last build (``incremental.Last``) leaves."""
        return cls(state_key(content_dir, base_iri, site_dir), last.content, last.folders,
                   last.resources, last.site)  # fmt: skip


def state_file(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.goodpractice-state"


@functools.cache
def code_digest() -> str:
    """A digest of this package's files and of the versions of the libraries it uses: a state
    left by other code may not describe what this code would make."""
    digest = hashlib.sha256(f"{STATE_FORMAT} {sys.version}".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} -\n".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def state_key(content_dir: Path, base_iri: str | None, site_dir: Path | None) -> tuple:
    site = str(Path(site_dir).resolve()) if site_dir is not None else None
    return code_digest(), str(Path(content_dir).resolve()), base_iri, site


def save(state: State, out_dir: Path) -> None:
    """Write the state beside ``out_dir``; a failure to write it loses nothing but speed."""
    target = state_file(out_dir)
    temporary = target.with_name(f"{target.name}.{os.getpid()}")
    try:
        temporary.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)


def load(
    content_dir: Path, out_dir: Path, site_dir: Path | None, base_iri: str | None, content: dict
) -> incremental.Last | None:
    """What the last build left, as a rebuild starts from it (``incremental.Last``); None if
    there is no usable state (the build is then a full one). ``content``: the content files
    now (``incremental.content_state``)."""
    try:
        with open(state_file(out_dir), "rb") as file:
            state = pickle.load(file)  # noqa: S301 - our own file, beside our own output
    except Exception:  # noqa: BLE001 - whatever is wrong with it, the build is a full one
        return None
    if not isinstance(state, State) or state.key != state_key(content_dir, base_iri, site_dir):
        return None
    if incremental.identities(out_dir, site_dir) != state.folders:
        return None
    changed = incremental.changed_files(state.content, content)
    if not incremental.followed(changed):
        return None
    triples = published_triples(Path(out_dir) / "dataset.nt")
    if triples is None:
        return None
    exports = set(incremental.content_state(out_dir)) - {incremental.MARKER}
    return incremental.Last(content=state.content, triples=triples, exports=exports,
                            folders=state.folders, site=state.site, resources=state.resources,
                            checked=None, changed=changed)  # fmt: skip


def published_triples(path: Path) -> set[tuple] | None:
    """The published graph as the last build wrote it (dataset.nt); None if it cannot be read
    or has blank nodes (their labels are not the graph's)."""
    try:
        data = path.read_bytes()
        quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        triples = set()
        terms: dict = {}  # each term converted once (a subject or predicate recurs)
        for quad in quads:
            triple = []
            for term in (quad.subject, quad.predicate, quad.object):
                found = terms.get(term)
                if found is None:
                    if isinstance(term, pyoxigraph.BlankNode):
                        return None
                    found = terms[term] = from_oxigraph(term)
                triple.append(found)
            triples.add(tuple(triple))
    except (OSError, SyntaxError, ValueError):
        return None
    return triples
