"""The ``goodpractice`` command: a thin layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import build as pipeline
from .content import ContentError, display_path

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


def report(error: ContentError, stopped: str) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(
        f"goodpractice: {stopped}: {count} problem{'s' if count != 1 else ''} in the content.",
        err=True,
    )


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
def build(
    content_dir: Path, out_dir: Path, base_iri: str | None, with_site: bool, site_dir: Path
) -> None:
    """Check the content, then write every export to build/ and the site to site/.

    Nothing is written unless every check passes; the last good build stays as it was.
    """
    from .site import SiteError

    written = f"{display_path(out_dir)}/" + (f" or {display_path(site_dir)}/" if with_site else "")
    try:
        built = pipeline.build(content_dir, out_dir, base_iri, site_dir if with_site else None)
    except ContentError as error:
        report(error, f"build stopped, nothing was written to {written}")
        sys.exit(2 if error.unreadable else 1)
    except SiteError as error:
        click.echo(
            f"goodpractice: the site could not be built, nothing was written to {written}:\n{error}",
            err=True,
        )
        sys.exit(1)
    size = sum(built.files.sizes.values())
    click.echo(f"Wrote {len(built.files)} files ({size:,} bytes) to {display_path(out_dir)}/")
    if with_site:
        click.echo(f"Wrote the site ({built.site_pages} pages) to {display_path(site_dir)}/")


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
    from . import validate as checks  # pySHACL loads only for this command

    unreadable = False
    try:
        result = checks.validate(pipeline.load_model(content_dir, base_iri))
    except ContentError as error:  # caught by content.py before there is a graph to check
        result, unreadable = checks.Report.of_content_error(error), error.unreadable
    if report_file is not None:
        report_file.write_bytes(result.shacl_turtle())
    if output_format == "json":
        click.echo(result.to_json(strict))
    else:
        for line in [*result.text_lines(), result.summary(strict)]:
            click.echo(line)
    sys.exit(2 if unreadable else 0 if result.conforms(strict) else 1)


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
    type=int,
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
    help="Seconds between two looks for changes.",
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
    verbose: bool,
) -> None:
    """Serve the site locally, with content negotiation, rebuilt when the content changes.

    A resource IRI (say /rabat-washington/gp10) answers with HTML, Turtle, JSON-LD or
    N-Triples as the Accept header asks; /rabat-washington/gp10.ttl is the Turtle itself.
    If a rebuild fails, the problems are printed and the last good site stays served.
    """
    from . import serve as server

    def echo(message: str) -> None:
        click.echo(message, err=True)

    rebuild = server.rebuilder(content_dir, out_dir, site_dir, base_iri, echo)
    if build_first and not rebuild() and not (site_dir / "index.html").exists():
        sys.exit(1)
    if not (site_dir / "index.html").exists():
        echo(
            f"goodpractice serve: there is no site in {display_path(site_dir)}/; run goodpractice build."
        )
        sys.exit(1)
    server.serve(
        site_dir,
        host,
        port,
        [content_dir] if watch else None,
        rebuild,
        interval,
        echo=lambda m: click.echo(m),
        quiet=not verbose,
    )
