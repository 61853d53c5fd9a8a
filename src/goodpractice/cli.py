"""The ``goodpractice`` command: a thin layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import build as pipeline
from .content import ContentError, display_path

CONTENT_OPTION = click.option(
    "--content", "content_dir", default="content", show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder of content files to read.",
)
BASE_IRI_OPTION = click.option(
    "--base-iri", default=None, metavar="IRI",
    help="Publish under this base IRI instead of the one in content/publication.yaml.",
)


def report(error: ContentError, stopped: str) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"goodpractice: {stopped}: {count} problem{'s' if count != 1 else ''} in the content.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="goodpractice")
def main() -> None:
    """Publish GCTF good-practice memoranda as linked data.

    Reads the content files, builds one RDF graph, checks it, and writes the
    exports (Turtle, JSON-LD, N-Triples, RDF/XML).
    """


@main.command()
@CONTENT_OPTION
@click.option("--out", "out_dir", default="build", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the exports. Replaced only when the whole build succeeds.")
@BASE_IRI_OPTION
def build(content_dir: Path, out_dir: Path, base_iri: str | None) -> None:
    """Check the content and write every export to the output folder."""
    try:
        files = pipeline.build(content_dir, out_dir, base_iri)
    except ContentError as error:
        report(error, f"build stopped, nothing was written to {display_path(out_dir)}/")
        sys.exit(2 if error.unreadable else 1)
    size = sum(len(data) for data in files.values())
    click.echo(f"Wrote {len(files)} files ({size:,} bytes) to {display_path(out_dir)}/")
