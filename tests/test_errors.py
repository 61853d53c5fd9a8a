"""Bad content stops the build with `file:line: what is wrong`, a non-zero exit, and no output.

Each test breaks a private copy of content/ the way a maintainer might, runs
`goodpractice build` through the CLI runner, and checks the exact message.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from goodpractice.cli import main

from .conftest import edit

MEMO_DIR = "content/memoranda/rabat-washington"


def build_fails(runner, workdir, expected_lines: list[str], exit_code: int = 1) -> None:
    for folder in ("build", "site"):
        (workdir / folder).mkdir()
        (workdir / folder / "previous.txt").write_text("from the last good build")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    count = len(expected_lines)
    assert result.stderr.splitlines() == [
        *expected_lines,
        f"goodpractice: build stopped, nothing was written to build/ or site/: {count} problem"
        f"{'s' if count != 1 else ''} in the content.",
    ]
    # the previous output is untouched and nothing was left half-written beside it
    for folder in ("build", "site"):
        assert sorted(p.name for p in (workdir / folder).iterdir()) == ["previous.txt"]
    assert sorted(p.name for p in workdir.iterdir()) == ["build", "content", "site"]


def test_the_real_content_builds(runner, workdir):
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    exports = [p for p in (workdir / "build").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in exports)
    pages = len(list((workdir / "site").rglob("index.html")))
    assert result.stdout.splitlines() == [
        f"Wrote {len(exports)} files ({size:,} bytes) to build/",
        f"Wrote the site ({pages} pages) to site/",
    ]
    assert (workdir / "build" / "dataset.ttl").exists()


def test_invalid_yaml(runner, workdir):
    edit(workdir / MEMO_DIR / "footnotes.yaml", "- number: 5\n", "- number: [5\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/footnotes.yaml:66: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got ':'",
        ],
        exit_code=2,
    )


def test_invalid_front_matter_yaml(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp03.md", "section: I\n", "section: : I\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/practices/gp03.md:3: invalid YAML: mapping values are not allowed here",
        ],
        exit_code=2,
    )


def test_missing_file(runner, workdir):
    (workdir / MEMO_DIR / "footnotes.yaml").unlink()
    build_fails(runner, workdir, [f"{MEMO_DIR}/footnotes.yaml: file not found"], exit_code=2)


def test_a_footnote_marker_with_no_footnote(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp06.md", "erode trust.", "erode trust.²⁸")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/memorandum.yaml:1: footnote markers are out of order in the text: "
            "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 28, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27",
            f"{MEMO_DIR}/practices/gp06.md:7: footnote marker 28 has no footnote 28 in footnotes.yaml",
        ],
    )


def test_a_footnote_without_a_marker(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp12.md", "suspicious behavior.¹⁹", "suspicious behavior.")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/footnotes.yaml:193: footnote 19 has no marker in any text of the memorandum",
        ],
    )


def test_a_marker_used_twice(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp06.md", "erode trust.", "erode trust.¹⁹")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/memorandum.yaml:1: footnote markers are out of order in the text: "
            "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 19, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27",
            f"{MEMO_DIR}/practices/gp12.md:7: footnote marker 19 appears again (first in gp6)",
        ],
    )


def test_a_citation_to_an_unknown_key(runner, workdir):
    edit(workdir / MEMO_DIR / "footnotes.yaml", "cites: madrid-memorandum", "cites: madrid-memo")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/footnotes.yaml:258: cited resource 'madrid-memo' is not in the catalogue or the memoranda",
        ],
    )


def test_an_unknown_citation_type(runner, workdir):
    edit(
        workdir / MEMO_DIR / "footnotes.yaml", "as: citesAsEvidence", "as: citesAsProof"
    )  # footnote 6
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/footnotes.yaml:80: unknown citation type 'citesAsProof'; use one of: agreesWith, "
            "citesAsAuthority, citesAsEvidence, citesAsRecommendedReading, citesAsRelated, citesForInformation, "
            "disagreesWith, discusses, extends, includesQuotationFrom, obtainsBackgroundFrom, supports, usesMethodIn",
        ],
    )


def test_citation_words_that_are_not_in_the_text(runner, workdir):
    edit(
        workdir / MEMO_DIR / "practices/gp07.md",
        'words: "As emphasized in',
        'words: "As stressed in',
    )
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/practices/gp07.md:6: the words of this citation do not occur in the text of gp7: "
            "'As stressed in the GCTF The-Hague Marrakech Memo'",
        ],
    )


def test_a_duplicate_practice_number(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp05.md", "number: 5\n", "number: 4\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/memorandum.yaml:1: practice numbers must run from 1 without gaps; missing: 5",
            f"{MEMO_DIR}/practices/gp05.md:2: duplicate practice number 4 (also at {MEMO_DIR}/practices/gp04.md:2)",
        ],
    )


def test_a_practice_in_a_section_that_does_not_exist(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp05.md", "section: II\n", "section: VI\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/practices/gp05.md:2: Good Practice 5 is in section 'VI', which the memorandum "
            "does not have (sections: I, II, III, IV, V)",
        ],
    )


def test_an_unknown_field_is_a_typo_not_silence(runner, workdir):
    edit(workdir / MEMO_DIR / "practices/gp05.md", "section: II\n", "section: II\ntitel: Oops\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/practices/gp05.md:4: unknown field 'titel' in a practice's front matter",
        ],
    )


def test_a_duplicate_footnote_number(runner, workdir):
    edit(workdir / MEMO_DIR / "footnotes.yaml", "- number: 13\n", "- number: 12\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/footnotes.yaml:133: duplicate footnote number 12 (also at {MEMO_DIR}/footnotes.yaml:126)",
            f"{MEMO_DIR}/memorandum.yaml:1: footnote numbers must run from 1 without gaps; missing: 13",
            f"{MEMO_DIR}/practices/gp08.md:4: footnote marker 13 has no footnote 13 in footnotes.yaml",
        ],
    )


def test_a_glossary_definition_not_in_its_footnote(runner, workdir):
    edit(
        workdir / MEMO_DIR / "glossary.yaml",
        "keeping individuals from becoming",
        "stopping individuals from becoming",
    )
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/glossary.yaml:14: the definition of 'prevention' does not occur in footnote 8",
        ],
    )


def test_a_date_that_is_not_a_date(runner, workdir):
    edit(
        workdir / "content/catalogue/documents.yaml",
        "issued: 2017-12-21",
        "issued: 21 December 2017",
    )
    build_fails(
        runner,
        workdir,
        [
            "content/catalogue/documents.yaml:173: '21 December 2017' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY",
        ],
    )


def test_a_duplicate_catalogue_id(runner, workdir):
    edit(workdir / "content/catalogue/organisations.yaml", "- id: org/unesco", "- id: org/unodc")
    build_fails(
        runner,
        workdir,
        [
            "content/catalogue/documents.yaml:212: publisher 'org/unesco' is not in the catalogue or the memoranda",
            "content/catalogue/organisations.yaml:56: duplicate catalogue id 'org/unodc' "
            "(first defined at content/catalogue/organisations.yaml:44)",
            f"{MEMO_DIR}/footnotes.yaml:253: mentioned resource 'org/unesco' is not in the catalogue or the memoranda",
        ],
    )


def change_a_word(workdir) -> list[str]:
    """Change one word of the conclusion; return what the build must say of it."""
    edit(
        workdir / MEMO_DIR / "conclusion.md",
        "critical to developing data",
        "crucial to developing data",
    )
    return [
        f"{MEMO_DIR}/conclusion.md:1: conclusion, paragraph 1 differs from the source text "
        "(content/source/rabat-washington-good-practices.md:187) at character 968: the source has "
        "'critical to developing data that can help ensure efforts ar…', the data has "
        "'crucial to developing data that can help ensure efforts are…'",
    ]


def test_a_changed_word_stops_the_build(runner, workdir):
    build_fails(runner, workdir, change_a_word(workdir))


def test_an_id_that_is_not_a_plain_path_is_refused(runner, workdir):
    # Ids become IRIs and the paths of the files written: "../x" would write outside build/.
    edit(workdir / "content/catalogue/documents.yaml", "- id: erg-22\n", "- id: ../escaped\n")
    build_fails(
        runner,
        workdir,
        [
            "content/catalogue/documents.yaml:223: id '../escaped' must be lower-case letters, "
            "digits and hyphens, in segments separated by '/' (it becomes part of IRIs and file "
            "paths)",
            f"{MEMO_DIR}/footnotes.yaml:178: cited resource 'erg-22' is not in the catalogue or the memoranda",
        ],
    )
    assert not (workdir / "escaped.ttl").exists()


def test_a_practice_filed_under_the_wrong_section(runner, workdir):
    # Good Practice 5 belongs to section II; filed under III, it breaks the order of the numbering.
    edit(workdir / MEMO_DIR / "practices/gp05.md", "section: II\n", "section: III\n")
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/practices/gp05.md:3: Good Practice 5 is in section III, but Good Practice 6 "
            f"after it is in section II ({MEMO_DIR}/practices/gp06.md:3): practices are numbered "
            "through the sections in order",
        ],
    )


def test_an_edited_source_text_stops_the_build(runner, workdir):
    # Changing the text and the source alike would pass the fidelity check; the checksum does not.
    source = workdir / "content/source/rabat-washington-good-practices.md"
    for path in (source, workdir / MEMO_DIR / "conclusion.md"):
        edit(path, "critical to developing data", "crucial to developing data")
    found = hashlib.sha256(source.read_bytes()).hexdigest()
    build_fails(
        runner,
        workdir,
        [
            f"{MEMO_DIR}/memorandum.yaml:6: source text content/source/rabat-washington-good-practices.md "
            f"has changed: its SHA-256 is {found}, not the "
            "55b0d47d323b08558879ff967ebb5a4bdc4a7bc0801675d0a388a4574a4fc61e recorded here; "
            "the source text is never edited",
        ],
    )


@pytest.mark.parametrize(
    "bad", ["ftp://example.org/", "https://example.org/no-slash", "not an iri"]
)
def test_a_bad_base_iri_is_refused(runner, workdir, bad):
    result = runner.invoke(main, ["build", "--base-iri", bad])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"--base-iri must be an http(s) IRI ending in '/', not {bad!r}"
    )
    assert not (workdir / "build").exists()


def test_write_tree_refuses_a_path_outside_its_folder(tmp_path):
    from goodpractice.build import write_tree

    with pytest.raises(ValueError, match="refusing to write '../outside.ttl' outside"):
        write_tree(tmp_path / "build", {"inside.ttl": b"a", "../outside.ttl": b"b"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_site_that_fails_leaves_the_exports_as_they_were(runner, workdir, monkeypatch):
    from goodpractice import site

    def broken_site(*args, **kwargs):
        raise site.SiteError("MkDocs could not build the site: (a test)")

    monkeypatch.setattr(site, "build_site", broken_site)
    (workdir / "build").mkdir()
    (workdir / "build" / "previous.txt").write_text("from the last good build")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "goodpractice: the site could not be built, nothing was written to build/ or site/:",
        "MkDocs could not build the site: (a test)",
    ]
    assert sorted(p.name for p in (workdir / "build").iterdir()) == ["previous.txt"]
    assert sorted(p.name for p in workdir.iterdir()) == ["build", "content"]


def test_exports_that_cannot_be_written_leave_the_site_as_it_was(workdir, monkeypatch):
    from goodpractice import build as pipeline

    real = pipeline.iter_dataset_files

    def with_a_bad_path(graph):
        yield from real(graph)
        yield "../outside.ttl", b""

    monkeypatch.setattr(pipeline, "iter_dataset_files", with_a_bad_path)
    (workdir / "site").mkdir()
    (workdir / "site" / "previous.txt").write_text("from the last good build")
    with pytest.raises(ValueError, match="refusing to write '../outside.ttl'"):
        pipeline.build(workdir / "content", workdir / "build", site_dir=workdir / "site")
    assert sorted(p.name for p in (workdir / "site").iterdir()) == ["previous.txt"]
    assert sorted(p.name for p in workdir.iterdir()) == ["content", "site"]


def test_write_tree_refuses_a_path_given_twice(tmp_path):
    from goodpractice.build import write_tree

    pairs = iter([("a.ttl", b"1"), ("b.ttl", b"2"), ("a.ttl", b"3")])
    with pytest.raises(ValueError, match="two exports would be written to 'a.ttl'"):
        write_tree(tmp_path / "build", pairs)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.fixture
def forked_check(monkeypatch):
    """Every build checks its graph in a forked process (as a large corpus's build does):
    returns whether each check so far did fork."""
    from goodpractice import validate

    monkeypatch.setattr(validate, "PARALLEL_FROM", 0)
    forked: list[bool] = []

    class Recorded(validate.BackgroundCheck):
        def __init__(self, model):
            super().__init__(model)
            forked.append(self._process is not None)

    monkeypatch.setattr(validate, "BackgroundCheck", Recorded)
    return forked


def test_a_violation_found_in_the_background_stops_the_build(runner, workdir, forked_check):
    build_fails(runner, workdir, change_a_word(workdir))
    assert forked_check == [True]


def test_a_build_checked_in_the_background_writes_the_same_files(out, workdir, forked_check):
    from goodpractice import build as pipeline

    pipeline.build(workdir / "content", workdir / "build", site_dir=workdir / "site")
    assert forked_check == [True]
    written = sorted(p.relative_to(workdir / "build") for p in (workdir / "build").rglob("*"))
    assert written == sorted(p.relative_to(out) for p in out.rglob("*"))
    for relative in written:
        if (out / relative).is_file():
            assert (workdir / "build" / relative).read_bytes() == (out / relative).read_bytes()


def test_an_error_in_the_background_check_stops_the_build(workdir, forked_check, monkeypatch):
    from goodpractice import build as pipeline
    from goodpractice import validate

    def broken(model, processes=None):
        raise RuntimeError("the shapes could not be read (a test)")

    monkeypatch.setattr(validate, "validate", broken)  # the forked process inherits it
    expected = r"(?s)^checking the content failed: Traceback .*\nRuntimeError: the shapes could not be read \(a test\)$"
    with pytest.raises(RuntimeError, match=expected):
        pipeline.build(workdir / "content", workdir / "build", site_dir=workdir / "site")
    assert forked_check == [True]
    assert sorted(p.name for p in workdir.iterdir()) == ["content"]


def test_violations_found_in_the_background_outrank_the_error_they_cause(
    runner, workdir, forked_check, monkeypatch
):
    """Content that breaks the shapes may break a page too: the build reports the content's
    problems, not the page's error, however fast the check was."""
    from goodpractice import site

    def failing(*args, **kwargs):
        raise site.SiteError("a page could not be made (a test)")

    monkeypatch.setattr(site, "build_site", failing)
    build_fails(runner, workdir, change_a_word(workdir))
    assert forked_check == [True]


@pytest.mark.parametrize("name", ["", ".", "a/.."])
def test_write_tree_refuses_a_name_that_is_not_a_file(tmp_path, name):
    from goodpractice.build import write_tree

    with pytest.raises(ValueError, match=f"^{re.escape(repr(name))} is not the name of a file$"):
        write_tree(tmp_path / "build", [(name, b"1")])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_write_tree_knows_two_spellings_of_one_name(tmp_path):
    from goodpractice.build import write_tree

    with pytest.raises(ValueError, match="two exports would be written to 'a/b.ttl'"):
        write_tree(tmp_path / "build", [("a/b.ttl", b"1"), ("a/./b.ttl", b"2")])
