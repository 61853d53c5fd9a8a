"""The build, as a list of stages: written all at once or not at all.

    guard      refuse an output folder the build must not replace (outputs.py)
    tidy       remove staging folders of builds that were killed (staging.py)
    load       content → graph, with where each resource is written (model.py)
    check      SHACL shapes and fidelity, in the background (a second process on a large graph)
    exports    every export, written to a staging folder beside build/
    site       the site, written to a staging folder beside site/; it links the staged exports
    swap       build/ and site/ take their new contents, once the check has no violation

Only the swap touches build/ and site/. If any stage fails, both stay as they were; a signal
(Ctrl-C, SIGTERM) that arrives during the swap is held until the swap is complete or undone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .. import site  # site.build_site, looked up per build: tests replace it
from ..check import FocusedCheck, Report, fidelity_problems, focus_report, validate
from ..check import background as background_check  # looked up per build: tests replace it
from ..content import ContentError
from ..export import forget_index, iter_dataset_files
from ..export.index import index_for, publish_in_place
from ..export.vocpub import missing_facts
from ..graph.store import collection_paused
from ..site import incremental as site_update
from ..staging import (
    MARKER,
    MARKER_TEXT,
    StagedFiles,
    Swap,
    discard_spare,
    prepare_spare,
    remove_abandoned,
    stage_tree,
    wait_for_spare,
)
from . import incremental, state
from .model import Model, load_model, locate, publish
from .outputs import OutputRefused, check_outputs

__all__ = [
    "Built",
    "Interrupted",
    "Model",
    "OutputRefused",
    "Rebuilder",
    "WriteFailed",
    "build",
    "check_content",
    "check_outputs",
    "fidelity_problems",
    "load_model",
    "publish",
    "locate",
    "signals_interrupt",
]


@dataclass
class Built:
    files: StagedFiles  # the exports written to out_dir, by path
    site_pages: int | None  # the pages of the site, if one was built
    # Facts an outside profile wants that the content does not give (VocPub): warnings
    missing: list[str] = field(default_factory=list)
    model: Model | None = None  # what was built from: the content and the published graph
    # an incremental build: the files of build/ rewritten and removed (None: a full build)
    rewritten: list[str] | None = None
    removed: list[str] | None = None
    # an update of the site in place: its files written again (None: the site was built)
    site_written: list[str] | None = None
    site_memory: site_update.SiteMemory | None = None  # what the next update needs
    triples: set | None = None  # the published graph's triples (a Rebuilder's build)
    resources: set | None = None  # the resources with files of their own (likewise)
    checked: set | None = None  # the triples the check saw (likewise)


class WriteFailed(Exception):
    """An output folder could not be written (disk full, no permission): nothing was changed."""

    def __init__(self, folder: Path, error: OSError):
        super().__init__(folder, error)
        self.folder, self.error = Path(folder), error


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal. ``completed``: it came during the swap, which was
    finished first, so the new build is in place."""

    def __init__(self, signum: int, completed: bool = False):
        super().__init__(signum)
        self.signum, self.completed = signum, completed

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def in_main_thread() -> bool:
    # Signal handlers can only be set there (serve rebuilds in a watcher thread).
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted, so that a stopped build cleans up after itself."""
    if not in_main_thread():
        yield
        return

    def stop(signum, frame):
        raise Interrupted(signum)

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Run:
    """The state of one build between its stages: the background check, the staged exports
    and the swaps made so far, and the folder being written (named when a write fails)."""

    def __init__(
        self,
        check: background_check.BackgroundCheck,
        out_dir: Path,
        site_dir: Path | None,
        last: incremental.Last | None = None,
    ):
        self.check = check
        self.last = last
        self.staged: incremental.Staged | None = None
        self.remember = False  # keep what the next update of the site needs (a Rebuilder's)
        self.reuse: incremental.Reuse | None = None  # a Rebuilder's: graphs changed, not made
        self.only: set | None = None  # the resources whose pages an update makes again
        self.site_memory: site_update.SiteMemory | None = None
        self.site_written: list[str] | None = None
        self.triples: set | None = None
        self.resources: set | None = None
        self.diff: set | None = None  # a rebuild's: the last build's triples ^ ``triples``
        self.out_dir = out_dir
        self.site_dir = site_dir
        self.writing = out_dir
        self.files: StagedFiles | None = None
        self.swaps: list[Swap] = []
        self.held: list[int] = []  # signals received during the swap
        self.restore: dict[int, object] | None = None

    def stage_exports(self, model: Model) -> StagedFiles:
        # Each file goes to disk as it is made; the marker rides with the exports, so that
        # the site, which links them, has it too.
        if self.remember:  # what the next rebuild compares with
            index = index_for(model.graph)
            self.triples, self.resources = set(index.all), set(index.resources(index.base))
        # the pieces of the whole dataset's files, kept for the next rebuild (a Rebuilder's)
        memory = self.reuse.exports if self.reuse is not None else None
        if self.last is not None:  # over the last build: only what changed is rewritten
            if self.triples is not None:
                self.diff = self.last.triples ^ self.triples
            self.staged, self.only = incremental.stage_exports(
                model, self.out_dir, self.last, memory, self.triples, self.resources, self.diff
            )
            self.files = self.staged.files
            return self.files
        pairs = chain(
            iter_dataset_files(model.graph, memory, self.triples),
            model.release_files.items(),  # earlier releases' data, at dataset/<version>.*
            [(MARKER, MARKER_TEXT)],
        )
        self.files = stage_tree(self.out_dir, pairs)
        return self.files

    def build_site(self, model: Model, site_dir: Path) -> int:
        self.writing = site_dir
        # The site reads the published graph alone: the exports' index can go.
        if self.reuse is not None and self.triples is not None:
            last = self.last.triples if self.last is not None else None
            published = self.reuse.published_graph(self.triples, last, self.diff)
            triples = self.triples
        else:  # the content graph is not needed as it was any more: no copy
            published, triples = publish_in_place(model.graph)
        forget_index(model.graph)
        # The publication folder (the one holding the content folder) may have its own
        # mkdocs.yml and docs/, merged over the packaged default.
        publication = Path(model.content.root).parent
        if self.only is not None and self.last.site is not None:
            documents = self.reuse.documents if self.reuse is not None else None
            if documents is not None and self.triples is not None:
                documents.follow(self.triples, self.last.triples, self.diff)
            update = site_update.update_site(
                published, site_dir, self.files, self.last.site, self.only,
                self.staged.rewritten, self.staged.removed, before_replace=self.swap,
                publication=publication,
                triples=self.triples, documents=documents,
            )  # fmt: skip
            if update is not None:
                self.site_memory, self.site_written = update.memory, update.written
                return update.pages
        report = site.build_site(
            published, site_dir, exports=self.files, before_replace=self.swap,
            publication=publication, remember=self.remember, triples=triples,
        )  # fmt: skip
        self.site_memory = report.memory
        return report.pages

    def swap(self) -> None:
        """The exports into place, once the check has no violation; from here on, until the
        site is in place too, signals are held."""
        stop_if_violated(self.check, wait=True)
        self.hold_signals()
        self.writing = self.out_dir
        self.swaps.append(Swap(self.files.root, self.out_dir))
        self.files = StagedFiles(self.out_dir, self.files.sizes)
        self.writing = self.site_dir or self.out_dir  # the site's swap comes next

    def commit(self) -> None:
        for swap in self.swaps:
            swap.commit(background=self.last is not None)
        self.release_signals(completed=True)

    def undo(self) -> None:
        for swap in reversed(self.swaps):
            swap.undo()
        self.swaps = []
        if self.files is not None and self.files.root != self.out_dir:
            shutil.rmtree(self.files.root, ignore_errors=True)
        self.release_signals(completed=False)

    def hold_signals(self) -> None:
        if in_main_thread() and self.restore is None:
            self.restore = {n: signal.signal(n, self.hold) for n in STOP_SIGNALS}

    def hold(self, signum, frame) -> None:
        self.held.append(signum)

    def release_signals(self, completed: bool) -> None:
        if self.restore is None:
            return
        for number, handler in self.restore.items():
            signal.signal(number, handler)
        self.restore = None
        if self.held:
            raise Interrupted(self.held[0], completed=completed)


# A build makes millions of objects that live to its end, and little garbage in cycles: each
# collection the allocations set off would walk all of them again (at 10,000 practices, several
# seconds a build, with the same peak memory)
@collection_paused()
def build(
    content_dir: Path,
    out_dir: Path,
    base_iri: str | None = None,
    site_dir: Path | None = None,
    *,
    last: incremental.Last | None = None,
    reuse: incremental.Reuse | None = None,
    keep_state: bool = False,
) -> Built:
    """Load, check and export; write ``out_dir`` (and the site, into ``site_dir``, if given)
    only if every stage succeeded. ``last``: what the last build of this content made, still
    in place (``Rebuilder``): only what changed since is redone; ``reuse``: what the last
    build read and built, kept for the next (``incremental.Reuse``). ``keep_state``: start
    from what the last build left beside ``out_dir`` if it can (``state``), and leave the
    same for the next."""
    out_dir = Path(out_dir)
    site_dir = Path(site_dir) if site_dir is not None else None
    check_outputs(content_dir, out_dir, site_dir)
    for folder in (out_dir, site_dir):
        if folder is not None:
            remove_abandoned(folder)
    content_now = incremental.content_state(content_dir) if keep_state else None
    if keep_state and last is None:
        last = state.load(content_dir, out_dir, site_dir, base_iri, content_now)
    model = load_model(content_dir, base_iri, reuse)
    # what the check sees, for the next rebuild's check to compare with
    checked = reuse.content_triples() if reuse is not None else None
    if last is not None and last.checked is not None and reuse is not None:
        # A rebuild: the shapes on the nodes the edit can affect; fidelity and releases in full
        nodes = incremental.focus_nodes(last.checked, checked, model.graph)
        memoranda = reuse.changed_memoranda(model.content, last.changed)
        check = FocusedCheck(model, nodes, memoranda, reuse.check_memory, checked)
    else:
        # SHACL shapes and fidelity, on a large graph in a second process while this one
        # exports and renders. Only violations stop the build; warnings do not.
        check = background_check.BackgroundCheck(model)
    publish(model, reuse)  # the earlier releases' description, now the check has the content
    run = Run(check, out_dir, site_dir, last)
    run.remember, run.reuse = reuse is not None or keep_state, reuse
    pages = None
    try:
        try:
            stop_if_violated(check, wait=False)
            run.stage_exports(model)
            if site_dir is not None:
                stop_if_violated(check, wait=False)
                pages = run.build_site(model, site_dir)
            else:
                run.swap()
        except BaseException as error:
            run.undo()
            reported = outranked(check, error, run.writing)
            if reported is error:
                raise
            raise reported from error
        run.commit()
    finally:
        check.close()
    staged = run.staged
    built = Built(
        StagedFiles(out_dir, run.files.sizes), pages, missing_facts(model.graph, model.locations),
        model, staged.rewritten if staged else None, staged.removed if staged else None,
        run.site_written, run.site_memory, run.triples, run.resources, checked,
    )  # fmt: skip
    if keep_state:
        state.save(state.State.of(built, content_now, content_dir, base_iri, out_dir, site_dir),
                   out_dir)  # fmt: skip
    return built


@collection_paused()  # as a build: millions of objects, little cyclic garbage
def check_content(content_dir: Path, base_iri: str | None = None) -> tuple[Model, Report]:
    """``goodpractice validate``: the content read and made into a graph, and the whole check
    (SHACL shapes, fidelity to the source text, the release records)."""
    model = load_model(content_dir, base_iri)
    return model, validate(model)


class Rebuilder:
    """Builds again and again (``goodpractice serve``): the first time in full, then redoing
    only what changed since the last good build, whenever the change is one it can follow
    (``incremental``); else in full again. The result is the same either way, byte for byte."""

    def __init__(self, content_dir: Path, out_dir: Path, base_iri: str | None, site_dir: Path,
                 spares: bool = True):  # fmt: skip
        self.content_dir, self.out_dir = Path(content_dir), Path(out_dir)
        self.base_iri, self.site_dir = base_iri, Path(site_dir)
        self.last: incremental.Last | None = None
        self.reuse = incremental.Reuse()
        # after each build, copies of build/ and site/ for the next one's staging to start from
        self.spares = spares
        self.collections = 0  # after builds (``collect``): a test tells the collector ran

    def __call__(self) -> Built:
        content = incremental.content_state(self.content_dir)
        follows = incremental.can_follow(self.last, content, self.out_dir, self.site_dir)
        last = None
        if follows:
            changed = incremental.changed_files(self.last.content, content)
            last = dataclasses.replace(self.last, changed=changed)
        # A build that fails leaves build/ and site/ as they were: ``last`` still holds
        self.reuse.memoranda.looked(self.content_dir, content)  # for this load only
        try:
            # the first build starts from what the last build left (``state``), if it can
            built = build(self.content_dir, self.out_dir, self.base_iri, self.site_dir,
                          last=last, reuse=self.reuse, keep_state=self.last is None)  # fmt: skip
        except KeyboardInterrupt:  # stopped: nothing more is made
            raise
        except BaseException:
            self.prepare_spares()
            raise
        finally:
            self.reuse.memoranda.looked(None, None)
            self.reuse.restore()
            self.collect()
        if self.last is None and self.spares:
            # serve's first build is ready when its copies, and the check's copy of the graph
            # with its SPARQL answers (``check.CheckMemory``), are: the first edit finds them
            self.prepare_spares()
            focus_report(self.reuse.graph, (), memory=self.reuse.check_memory)
            if self.reuse.documents.of is not built.triples:  # (a site updated has them)
                with collection_paused():  # and the documents the site's pages are of
                    self.reuse.documents.follow(built.triples)
            # its garbage collected in this thread: pyoxigraph's query results may be dropped
            # only by the thread that made them (later builds run in the watcher's)
            gc.collect()
        self.prepare_spares(wait=self.last is None)
        self.reuse.unchecked.clear()  # this build's check saw them
        self.last = incremental.Last.of(built, content, self.out_dir, self.site_dir)
        return built

    def collect(self) -> None:
        """The garbage of the last build (made with the collector paused) collected, and what
        outlives it frozen (``gc.freeze``): the graph, its indexes, the exports' and the site's
        memory. Later collections walk only what later builds make: at 10,000 practices, one
        over everything takes seconds."""
        gc.collect()
        gc.freeze()
        self.collections += 1

    def prepare_spares(self, wait: bool = False) -> None:
        """Copies of build/ and site/ made of hard links, in the background, for the next
        rebuild's staging to start from (``staging.Spare``): at 10,000 practices they take
        seconds, spent while the maintainer edits. ``wait``: until they are made."""
        if self.spares:
            for folder in (self.out_dir, self.site_dir):
                prepare_spare(folder)
            if wait:
                for folder in (self.out_dir, self.site_dir):
                    wait_for_spare(folder)

    def close(self) -> None:
        """Delete the copies made for a next rebuild; leave what the last build made for the
        next ``goodpractice build`` to start from (``state``)."""
        for folder in (self.out_dir, self.site_dir):
            discard_spare(folder)
        gc.unfreeze()  # the process goes on without the builds: its objects collected again
        if (
            self.last is not None
            and incremental.identities(self.out_dir, self.site_dir) == self.last.folders
        ):
            state.save(state.State.of_last(self.last, self.content_dir, self.base_iri,
                                           self.site_dir), self.out_dir)  # fmt: skip


def outranked(
    check: background_check.BackgroundCheck, error: BaseException, writing: Path
) -> BaseException:
    """What a failed build reports: content that breaks the shapes can break an export or a
    page too, and its problems, once the check has them, say more than the error they caused."""
    if isinstance(error, (ContentError, KeyboardInterrupt)):
        return error
    try:
        violations = check.violations()
    except Exception:  # noqa: BLE001 - the check failed too: the first error stands
        violations = []
    if violations:
        return ContentError([finding.as_problem() for finding in violations])
    if isinstance(error, OSError):
        return WriteFailed(writing, error)
    return error


def stop_if_violated(check: background_check.BackgroundCheck, wait: bool) -> None:
    """Raise the check's violations as a ContentError, once it has ended (or now, if ``wait``)."""
    if wait or check.done():
        violations = check.violations()
        if violations:
            raise ContentError([finding.as_problem() for finding in violations]) from None
