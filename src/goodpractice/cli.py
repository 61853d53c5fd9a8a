"""The ``goodpractice`` command: a thin layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import check as checks
from . import importer, pipeline, scaffold
from . import publish as publishing
from . import serve as server
from .content import ContentError, display_path
from .serve.sparql import Options as SparqlOptions
from .site import SiteError

# Exit codes, by convention: content problems, usage or environment, a stop by a signal.
CONTENT_PROBLEMS = 1
USAGE = 2
INTERRUPTED = 128  # + the signal's number: 130 on Ctrl-C, 143 on SIGTERM
# The most problems printed; the rest are counted (the report file has them all).
SHOWN_PROBLEMS = 50

CONTENT_OPTION = click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder of content files to read.",
)
BASE_IRI_OPTION = click.option(
    "--base-iri",
    default=None,
    metavar="IRI",
    help="Publish under this base IRI instead of the one in content/publication.yaml.",
)


def out_option(help_text: str):
    return click.option(
        "--out",
        "out_dir",
        default="build",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


def site_dir_option(help_text: str):
    return click.option(
        "--site-dir",
        default="site",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


def capped(lines: list[str], more: str) -> list[str]:
    """At most SHOWN_PROBLEMS lines, then how many more there are."""
    if len(lines) <= SHOWN_PROBLEMS:
        return lines
    return [*lines[:SHOWN_PROBLEMS], f"and {len(lines) - SHOWN_PROBLEMS} more ({more})"]


def report(error: ContentError, stopped: str) -> None:
    for line in capped([str(p) for p in error.problems], "see goodpractice validate --report"):
        click.echo(line, err=True)
    count = len(error.problems)
    click.echo(
        f"goodpractice: {stopped}: {count} problem{'s' if count != 1 else ''} in the content.",
        err=True,
    )


def fail(message: str, code: int = USAGE) -> None:
    click.echo(f"goodpractice: {message}", err=True)
    sys.exit(code)


def interrupted(error: KeyboardInterrupt, written: str) -> None:
    signum = getattr(error, "signum", 2)
    name = getattr(error, "name", "SIGINT")
    if getattr(error, "completed", False):
        done = written.replace(" or ", " and ")
        fail(f"stopped by {name} once {done} had been written.", INTERRUPTED + signum)
    fail(f"stopped by {name}; nothing was written to {written}", INTERRUPTED + signum)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="goodpractice")
def main() -> None:
    """Publish GCTF good-practice memoranda as linked data.

    Reads the content files, builds one RDF graph, checks it against the SHACL
    shapes and the source text, and writes the exports (Turtle, JSON-LD,
    N-Triples, RDF/XML, CSV) and a documentation site.

    \b
    goodpractice validate   check the content, write nothing
    goodpractice build      check, then write build/ and site/
    goodpractice serve      browse the site locally, rebuilt on every edit
    goodpractice new DIR    lay out a new publication in DIR
    goodpractice import T   draft a memorandum's content from its text T
    goodpractice publish    load the dataset into a SPARQL store
    goodpractice release V  record release V of the content under content/releases/
    """


@main.command()
@CONTENT_OPTION
@out_option("Where to write the exports. Replaced only when the whole build succeeds.")
@BASE_IRI_OPTION
@click.option(
    "--site/--no-site",
    "with_site",
    default=True,
    show_default=True,
    help="Also build the static site (MkDocs Material) from the checked graph.",
)
@site_dir_option("Where to write the site. Replaced only when the whole build succeeds.")
@click.option(
    "--full",
    is_flag=True,
    help="Make every file again, not only what changed since the last build.",
)
def build(
    content_dir: Path,
    out_dir: Path,
    base_iri: str | None,
    with_site: bool,
    site_dir: Path,
    full: bool,
) -> None:
    """Check the content, then write every export to build/ and the site to site/.

    Nothing is written unless every check passes; the last good build stays as it was.
    Over the output of a last build, only the files an edit changes are made again (the
    result is the same, byte for byte); what that needs is kept beside build/, in
    .build.goodpractice-state.
    """
    written = f"{display_path(out_dir)}/" + (f" or {display_path(site_dir)}/" if with_site else "")
    try:
        with pipeline.signals_interrupt():
            built = pipeline.build(content_dir, out_dir, base_iri,
                                   site_dir if with_site else None, keep_state=not full)  # fmt: skip
    except ContentError as error:
        report(error, f"build stopped, nothing was written to {written}")
        sys.exit(USAGE if error.unreadable else CONTENT_PROBLEMS)
    except SiteError as error:
        click.echo(
            f"goodpractice: the site could not be built, nothing was written to {written}:\n{error}",
            err=True,
        )
        sys.exit(CONTENT_PROBLEMS)
    except pipeline.OutputRefused as error:
        fail(str(error))
    except pipeline.WriteFailed as error:
        reason = error.error.strerror or str(error.error)
        fail(f"could not write {display_path(error.folder)}/: {reason}; nothing was changed.")
    except KeyboardInterrupt as error:
        interrupted(error, written)
    for line in built.missing:
        click.echo(f"goodpractice: warning: {line}", err=True)
    size = sum(built.files.sizes.values())
    changed = ""
    if built.rewritten is not None:
        changed = f"; {len(built.rewritten) + len(built.removed):,} changed since the last build"
    click.echo(
        f"Wrote {len(built.files)} files ({size:,} bytes) to {display_path(out_dir)}/{changed}"
    )
    if with_site:
        changed = ""
        if built.site_written is not None:
            changed = f"; {len(built.site_written):,} files changed since the last build"
        click.echo(
            f"Wrote the site ({built.site_pages} pages) to {display_path(site_dir)}/{changed}"
        )


@main.command()
@CONTENT_OPTION
@BASE_IRI_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as problems: exit 1 if there are any.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per problem, or a JSON document for machines.",
)
@click.option(
    "--report",
    "report_file",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the standard SHACL validation report to FILE, as Turtle.",
)
def validate(
    content_dir: Path,
    base_iri: str | None,
    strict: bool,
    output_format: str,
    report_file: Path | None,
) -> None:
    """Check the content against the SHACL shapes and the source text.

    Prints one line per problem: file:line: resource: property: message.
    Exits 0 when the data conforms (warnings are printed, not fatal), 1 when it
    does not, 2 when a content file cannot be read.
    """
    if report_file is not None and not report_file.resolve().parent.is_dir():
        fail(f"--report {report_file}: the folder {report_file.parent}/ does not exist.")
    unreadable, proposals = False, []
    try:
        model, result = pipeline.check_content(content_dir, base_iri)
        proposals = importer.awaiting(model.content)
    except ContentError as error:  # caught by content.py before there is a graph to check
        result, unreadable = checks.Report.of_content_error(error), error.unreadable
    except KeyboardInterrupt:
        fail("stopped by SIGINT; nothing was written.", INTERRUPTED + 2)
    if report_file is not None:
        try:
            report_file.write_bytes(result.shacl_turtle())
        except OSError as error:
            fail(f"--report {report_file}: could not write it: {error.strerror or error}.")
    if output_format == "json":
        click.echo(result.to_json(strict))
    else:
        for line in [*capped(result.text_lines(), "see --report"), result.summary(strict)]:
            click.echo(line)
        for line in proposals:
            click.echo(line)
    sys.exit(USAGE if unreadable else 0 if result.conforms(strict) else CONTENT_PROBLEMS)


@main.command()
@CONTENT_OPTION
@out_option("Where each rebuild writes the exports.")
@site_dir_option("The site to serve.")
@BASE_IRI_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to listen on (0: any free port).",
)
@click.option(
    "--build/--no-build",
    "build_first",
    default=True,
    show_default=True,
    help="Build the exports and the site before serving.",
)
@click.option(
    "--watch/--no-watch",
    default=True,
    show_default=True,
    help="Rebuild whenever a file under the content folder, docs/ or mkdocs.yml changes.",
)
@click.option(
    "--interval",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between two looks for changes where the system does not tell of them "
    "(on Linux it does, and a change is seen at once).",
)
@click.option(
    "--query-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a /sparql query may run before it is stopped (503).",
)
@click.option(
    "--row-limit",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) of a /sparql answer past which it is cut.",
)
@click.option("--verbose", is_flag=True, help="Print a line for every request.")
def serve(
    content_dir: Path,
    out_dir: Path,
    site_dir: Path,
    base_iri: str | None,
    host: str,
    port: int,
    build_first: bool,
    watch: bool,
    interval: float,
    query_timeout: float,
    row_limit: int,
    verbose: bool,
) -> None:
    """Serve the site locally, with content negotiation, rebuilt when the content changes.

    A resource IRI (say /rabat-washington/gp10) answers with HTML, Turtle, JSON-LD or
    N-Triples as the Accept header asks; /rabat-washington/gp10.ttl is the Turtle itself.
    /sparql answers SPARQL 1.1 queries over the current build, read-only.
    If a rebuild fails, the problems are printed and the last good site stays served.
    """

    def echo(message: str) -> None:
        click.echo(message, err=True)

    if build_first or watch:
        try:
            pipeline.check_outputs(content_dir, out_dir, site_dir)
        except pipeline.OutputRefused as error:
            echo(f"goodpractice serve: {error}")
            sys.exit(USAGE)
    try:
        sparql = SparqlOptions(timeout=query_timeout, row_limit=row_limit)
        listening = server.make_server(site_dir, host, port, quiet=not verbose, sparql=sparql)
    except OSError as error:
        echo(f"goodpractice serve: cannot listen on {host}:{port}: {error.strerror or error}.")
        sys.exit(USAGE)
    with listening:
        rebuild = server.rebuilder(content_dir, out_dir, site_dir, base_iri, echo, watch)
        try:
            with pipeline.signals_interrupt():
                built = not build_first or rebuild()
        except KeyboardInterrupt as error:
            echo(f"goodpractice serve: stopped by {getattr(error, 'name', 'SIGINT')}.")
            sys.exit(INTERRUPTED + getattr(error, "signum", 2))
        if not built and not (site_dir / "index.html").exists():
            sys.exit(CONTENT_PROBLEMS)
        if not (site_dir / "index.html").exists():
            echo(
                f"goodpractice serve: there is no site in {display_path(site_dir)}/; "
                "run goodpractice build."
            )
            sys.exit(CONTENT_PROBLEMS)
        with pipeline.signals_interrupt():  # SIGTERM too: the server stops and cleans up
            server.serve(
                listening,
                site_dir,
                server.watched(content_dir) if watch else None,
                rebuild,
                interval,
                echo=lambda m: click.echo(m),
            )


@main.command()
@click.option(
    "--store",
    required=True,
    metavar="URL",
    help="The store's Graph Store endpoint: http://localhost:7878/store (Oxigraph), "
    "http://HOST:8890/sparql-graph-crud-auth (Virtuoso).",
)
@out_option("The built exports to publish (its dataset.nt).")
@click.option(
    "--graph",
    default=None,
    metavar="IRI",
    help="The named graph to replace. Default: the current release's IRI, <base>dataset/<version>.",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    metavar="SECONDS",
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for the store to connect, take the data or answer.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be sent, and send nothing.")
def publish(store: str, out_dir: Path, graph: str | None, timeout: float, dry_run: bool) -> None:
    """Load the built dataset into a SPARQL store (Graph Store HTTP Protocol).

    The release's named graph is replaced by one PUT: publishing again replaces it, and
    earlier releases' graphs stay as they are. Credentials come from the environment:
    GOODPRACTICE_STORE_USER and GOODPRACTICE_STORE_PASSWORD (with GOODPRACTICE_STORE_AUTH=basic
    or digest), or GOODPRACTICE_STORE_TOKEN for a bearer token. They are never printed.
    """
    try:
        credentials = publishing.credentials_from()
        upload = publishing.plan(out_dir, store, graph)
        if dry_run:
            click.echo("Dry run: nothing was sent. It would send:")
            for line in publishing.describe(upload, credentials):
                click.echo(line)
            return
        sent = publishing.send(upload, credentials, timeout)
    except publishing.PublishError as error:
        fail(str(error))
    click.echo(
        f"Published {upload.triples:,} triples to the graph <{upload.graph}> "
        f"at {upload.store} ({sent.status} {sent.reason})."
    )


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--title", default=scaffold.TITLE, show_default=True, help="The publication's title.")
@click.option(
    "--publisher",
    default=scaffold.PUBLISHER,
    show_default=True,
    help="Who publishes this edition: an organisation's name, added to the catalogue.",
)
@click.option(
    "--base-iri",
    default=None,
    metavar="IRI",
    help="The base IRI of every IRI the data mints. Default: https://example.org/<DIR's name>/, "
    "a placeholder to change before publishing.",
)
@click.option(
    "--license",
    "license_iri",
    default=scaffold.CC_BY,
    show_default=True,
    metavar="IRI",
    help="The licence of the encoding, as its IRI (default: CC BY 4.0).",
)
def new(folder: Path, title: str, publisher: str, base_iri: str | None, license_iri: str) -> None:
    """Lay out a new publication in DIR (a new or empty folder): its publication file, a
    catalogue with the GCTF, and a memoranda folder with examples, ready to validate and build.
    """
    try:
        made = scaffold.new_publication(folder, title, publisher, base_iri, license_iri)
    except scaffold.ScaffoldError as error:
        fail(str(error))
    for line in scaffold.next_steps(made):
        click.echo(line)


@main.command(name="release")
@click.argument("version")
@CONTENT_OPTION
@click.option(
    "--date",
    default=None,
    metavar="YYYY-MM-DD",
    help="The release date. Default: 'modified' in the publication file (never the clock).",
)
def release_command(version: str, content_dir: Path, date: str | None) -> None:
    """Check the content, then record release VERSION (MAJOR.MINOR.PATCH, above the last one)
    under content/releases/VERSION/ and set it as 'version' in the publication file.

    The record is what the release published (the content graph, the context, the ontology's
    terms, the JSON Schema): later builds compare with it to say what changed.
    """
    from .pipeline.release import ReleaseRefused, release

    try:
        made = release(content_dir, version, date)
    except ContentError as error:
        report(error, "nothing was released")
        sys.exit(USAGE if error.unreadable else CONTENT_PROBLEMS)
    except ReleaseRefused as error:
        for line in capped(error.lines, "see goodpractice validate --report"):
            click.echo(line, err=True)
        fail(str(error), USAGE if error.usage else CONTENT_PROBLEMS)
    click.echo(
        f"Recorded release {made.version} of {made.date} ({made.triples:,} triples) in "
        f"{display_path(made.folder)}/; version set to {made.version} in the publication file."
    )


@main.command("import")
@click.argument("text", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "key", required=True, metavar="KEY",
              help="The memorandum's key: its folder under content/memoranda/, its IRI's path.")  # fmt: skip
@CONTENT_OPTION
@click.option("--issued", default=None, metavar="DATE",
              help="Its date of issue (YYYY-MM-DD, YYYY-MM or YYYY) if the catalogue has none.")  # fmt: skip
@click.option("--publisher", default=None, metavar="KEY",
              help="Its publisher's catalogue key  [default: the catalogue's, or org/gctf]")  # fmt: skip
def import_(text: Path, key: str, content_dir: Path, issued: str | None, publisher: str | None):
    """Draft content/memoranda/KEY/ from a memorandum's plain text (as extracted from its PDF).

    Finds the title, introduction, sections, good practices, conclusion and footnotes, and
    proposes the citations the catalogue knows (under `proposed:` in footnotes.yaml, not
    published until a person confirms them). Writes nothing unless the whole text is placed.
    """
    try:
        done = importer.import_memorandum(text, key, content_dir, issued, publisher)
    except importer.ImportRefused as error:
        fail(str(error))
    except ContentError as error:
        for line in importer.problem_lines(error, text):
            click.echo(line, err=True)
        sys.exit(USAGE if error.unreadable else CONTENT_PROBLEMS)
    for line in importer.summary(done):
        click.echo(line)
