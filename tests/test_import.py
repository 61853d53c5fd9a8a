"""`goodpractice import`: a memorandum's plain text made into a draft content folder.

The real text is imported back (into a copy of the content without the hand-made memorandum)
and compared with the hand-made content: the units, the footnotes and where they sit, and the
citations proposed (scored, and scored again with each cited entry left out of the catalogue).
"""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from goodpractice.check import validate
from goodpractice.cli import main
from goodpractice.content import display_path, load_content
from goodpractice.importer import propose_citations
from goodpractice.importer.cite import name_key, read_catalogue
from goodpractice.importer.text import read_text
from goodpractice.pipeline import load_model

from .conftest import CONTENT, SOURCE

DATA = Path(__file__).parent / "data" / "import"
KEY = "rabat-washington"
ISSUED = "2018-09-26"  # shared/facts.md: the memorandum.yaml of the hand-made content


def without_memorandum(root: Path) -> Path:
    """A copy of the real content without the hand-made memorandum, to import it again; and
    without its release records, which hold what the hand-made one published (its glossary,
    which a draft does not have, included)."""
    shutil.copytree(CONTENT, root / "content", ignore=shutil.ignore_patterns("releases"))
    shutil.rmtree(root / "content" / "memoranda" / KEY)
    return root / "content"


def run_import(runner, text: Path, key: str = KEY, *options: str):
    return runner.invoke(main, ["import", str(text), "--id", key, "--issued", ISSUED, *options])


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The real text imported once, through the command, into a private content folder."""
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("import")
    content = without_memorandum(root)
    result = CliRunner().invoke(
        main, ["import", str(SOURCE), "--id", KEY, "--issued", ISSUED, "--content", str(content)]
    )
    assert result.exit_code == 0, result.output
    return content


def units(memo) -> dict:
    """What a memorandum's text is, unit by unit, as the loader reads it."""
    return {
        "title": memo.title,
        "sections": [(s.notation, s.title.marked) for s in memo.sections],
        "introduction": memo.introduction.texts[0].marked,
        "conclusion": memo.conclusion.texts[0].marked,
        "practices": [(p.number, p.section, p.title.marked, p.body.marked) for p in memo.practices],
        "footnotes": [(f.number, f.text.marked, f.attached_to) for f in memo.footnotes],
        "headings": memo.headings,
    }


def test_the_real_text_imports_to_the_hand_made_units(imported, model):
    hand_made = model.content.memoranda[0]
    draft = load_content(imported).memoranda[0]
    ours, theirs = units(draft), units(hand_made)
    assert len(ours["practices"]) == 19 and len(ours["sections"]) == 5
    assert len(ours["footnotes"]) == 27
    for name in theirs:
        assert ours[name] == theirs[name], name
    assert draft.generated_by == hand_made.generated_by
    # the source copy is the text itself (nothing to clean), and the draft records its hash
    assert (imported / "source" / f"{KEY}.md").read_bytes() == SOURCE.read_bytes()
    assert draft.source_sha256 == hand_made.source_sha256


def proposed_pairs(content: Path, key: str = KEY) -> set[tuple[int, str]]:
    notes = yaml.safe_load((content / "memoranda" / key / "footnotes.yaml").read_text("utf-8"))
    return {(n["number"], p["cites"]) for n in notes for p in n.get("proposed", []) if "cites" in p}


def test_citations_are_proposed_as_the_hand_made_content_has_them(imported, model):
    gold = {
        (fn.number, c.cites) for fn in model.content.memoranda[0].footnotes for c in fn.citations
    }
    found = proposed_pairs(imported)
    recall = len(gold & found) / len(gold)
    precision = len(gold & found) / len(found)
    print(
        f"\ncitation proposals: recall {recall:.1%} ({len(gold & found)}/{len(gold)}), "
        f"precision {precision:.1%} ({len(gold & found)}/{len(found)}); "
        f"not proposed: {sorted(gold - found)}; not in the hand-made content: {sorted(found - gold)}"
    )
    assert recall >= 0.9 and precision >= 0.9


def test_proposals_are_not_published_and_validate_counts_them(imported, runner):
    draft = load_content(imported).memoranda[0]
    assert not any(fn.citations or fn.mentions for fn in draft.footnotes)
    notes = yaml.safe_load((imported / "memoranda" / KEY / "footnotes.yaml").read_text("utf-8"))
    total = sum(len(n.get("proposed", [])) for n in notes)
    assert total >= len(proposed_pairs(imported))
    result = runner.invoke(main, ["validate", "--content", str(imported)])
    assert f"\n{total} citation proposals await confirmation (`proposed:` in footnotes.yaml: " in (
        result.output
    )


def confirm(footnotes: Path) -> None:
    """Do what the maintainer does: every proposal taken as it is (stubs dropped)."""
    notes = yaml.safe_load(footnotes.read_text("utf-8"))
    for note in notes:
        proposed = note.pop("proposed", [])
        fields = ("cites", "as", "words", "describes")
        cites = [{k: p[k] for k in fields if k in p} for p in proposed if "cites" in p]
        named = [p["mentions"] for p in proposed if "mentions" in p]
        note.update({"citations": cites} if cites else {})
        note.update({"mentions": named} if named else {})
    footnotes.write_text(yaml.safe_dump(notes, allow_unicode=True, sort_keys=False), "utf-8")


def test_the_draft_with_its_proposals_confirmed_validates(tmp_path, runner):
    content = without_memorandum(tmp_path)
    assert run_import(runner, SOURCE, KEY, "--content", str(content)).exit_code == 0
    confirm(content / "memoranda" / KEY / "footnotes.yaml")
    report = validate(load_model(content))  # SHACL and the fidelity check
    assert report.conforms(), report.text_lines()


def test_each_cited_entry_left_out_is_listed_as_a_stub_at_its_footnote(model):
    """The catalogue was made from this very text: leave each cited entry out in turn."""
    hand_made = model.content.memoranda[0]
    draft, problems = read_text(SOURCE, SOURCE.read_text("utf-8"))
    assert not problems
    catalogue = read_catalogue(CONTENT / "catalogue")
    facts = {"publisher": hand_made.publisher, "generated_by": hand_made.generated_by}
    pairs = sorted(
        {(fn.number, c.cites.split("/gp")[0]) for fn in hand_made.footnotes for c in fn.citations}
    )
    missed = []
    for number, key in pairs:
        left_out = next(e for e in catalogue if e.key == key)
        rest = [e for e in catalogue if e.key != key]
        proposals = propose_citations(draft, KEY, facts, rest).get(number, [])
        stubs = [p.stub for p in proposals if p.stub]
        if not any(names(stub, left_out) for stub in stubs):
            missed.append((number, key, stubs))
    found = len(pairs) - len(missed)
    print(f"\nleave-one-out: {found}/{len(pairs)} ({found / len(pairs):.1%}) listed as stubs")
    assert found / len(pairs) >= 0.9, missed


def names(stub: str, entry) -> bool:
    """Whether a stub's name names the entry: one of its names in it, or it in one of them, or
    its address."""
    if stub.startswith(("http", "www")):
        bare = stub.split("//")[-1].removeprefix("www.").rstrip("/")
        return bool(entry.url) and bare in entry.url
    stub = name_key(stub)
    return any(name_key(n) in stub or stub in name_key(n) for n in entry.names)


def page_laid_out(text: str, seed: int) -> str:
    """The text as a PDF extraction may give it: hard-wrapped at 80 to 100 columns, a page
    number and a running header at every page break, Windows line endings."""
    rng = random.Random(seed)
    lines: list[str] = []
    for block in text.split("\n\n"):
        width = rng.randint(80, 100)
        wrapped = textwrap.wrap(block, width, break_long_words=False, break_on_hyphens=False)
        lines += [*wrapped, ""]
    paged: list[str] = []
    for page, start in enumerate(range(0, len(lines), 45), start=1):
        if page > 1:
            paged.append("Rabat – Washington Good Practices")
        paged += lines[start : start + 45]
        paged.append(str(page))
    return "\r\n".join(paged)


def draft_files(content: Path, key: str) -> dict[str, str]:
    folder = content / "memoranda" / key
    files = {str(p.relative_to(folder)): p.read_text("utf-8") for p in folder.rglob("*.*")}
    files["memorandum.yaml"] = "\n".join(
        line for line in files["memorandum.yaml"].split("\n") if "sha256" not in line
    )
    return files


def test_a_page_laid_out_text_imports_to_the_same_draft(imported, tmp_path, runner):
    text = tmp_path / "extracted.txt"
    text.write_bytes(page_laid_out(SOURCE.read_text("utf-8"), seed=12).encode("utf-8"))
    content = without_memorandum(tmp_path)
    result = run_import(runner, text, KEY, "--content", str(content))
    assert result.exit_code == 0, result.output
    assert "lines of page numbers and running headers left out" in result.output
    assert draft_files(content, KEY) == draft_files(imported, KEY)
    assert b"\r" not in (content / "source" / f"{KEY}.md").read_bytes()
    model = load_model(content)  # the source copy is what the fidelity check reads
    confirm(content / "memoranda" / KEY / "footnotes.yaml")
    assert validate(load_model(content)).conforms()
    assert len(model.content.memoranda[0].footnotes) == 27


def test_synthetic_memoranda_import_back_to_their_content(tmp_path, runner):
    from .synthetic import write_corpus

    content = write_corpus(tmp_path / "content", memoranda=2)
    made = {m.key: units(m) for m in load_content(content).memoranda}
    for key in made:
        text = tmp_path / f"{key}.txt"
        shutil.move(content / "source" / f"{key}.md", text)
        shutil.rmtree(content / "memoranda" / key)
        result = run_import(runner, text, key, "--content", str(content))
        assert result.exit_code == 0, result.output
    for memo in load_content(content).memoranda:
        assert units(memo) == made[memo.key]
    result = runner.invoke(main, ["validate", "--content", str(content)])
    assert result.exit_code == 0, result.output


CASES = yaml.safe_load((DATA / "bad-input.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_gets_one_message_and_nothing_is_written(case, workdir, runner):
    before = sorted(p for p in (workdir / "content").rglob("*"))
    text = DATA / case["text"]
    issued = case.get("issued", "2020")
    issued = ["--issued", issued] if issued else []
    result = runner.invoke(main, ["import", str(text), "--id", case["id"], *issued])
    assert result.exit_code == case["exit"]
    problems = [line for line in result.output.splitlines() if line]
    assert problems[0] == case["message"].format(text=text)
    assert len(problems) <= 2  # the message, and for a text how many problems it has
    assert sorted(p for p in (workdir / "content").rglob("*")) == before


def test_names_the_catalogue_does_not_know_are_listed_with_their_line(tmp_path, runner):
    content = without_memorandum(tmp_path)
    documents = content / "catalogue" / "documents.yaml"
    entry = documents.read_text("utf-8").split("\n\n")
    documents.write_text(
        "\n\n".join(e for e in entry if "id: unesco-media-handbook" not in e), "utf-8"
    )
    result = run_import(runner, SOURCE, KEY, "--content", str(content))
    assert result.exit_code == 0, result.output
    at = f"  {display_path(SOURCE)}:177: footnote 26: "
    assert (
        "Names the catalogue does not know (add each to content/catalogue/ to cite it):\n"
        f"{at}Terrorism and the Media Handbook\n"
        f"{at}http://unesdoc.unesco.org/images/0024/002470/247074E.pdf\n"
    ) in result.output
    notes = yaml.safe_load((content / "memoranda" / KEY / "footnotes.yaml").read_text("utf-8"))
    assert {
        "stub": "Terrorism and the Media Handbook",
        "words": "Terrorism and the Media Handbook",
    } in (notes[25]["proposed"])
