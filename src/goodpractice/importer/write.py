"""Writing a draft memorandum folder in the content format (see content/memoranda/rabat-washington/
for the hand-made original): memorandum.yaml, introduction.md, conclusion.md, practices/gpNN.md,
footnotes.yaml with the citation proposals under ``proposed:``."""

from __future__ import annotations

import json
from pathlib import Path

from .cite import Proposal
from .text import Draft, Paragraph


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def memorandum_yaml(draft: Draft, key: str, facts: dict[str, str], sha256: str) -> str:
    lines = [
        "# Drafted by `goodpractice import` from the text named below; check it against that text.",
        "# Text fields are verbatim from the source file; see docs/editing.md for the conventions.",
        f"id: {key}",
        f"source: ../../source/{key}.md",
        "# SHA-256 of the source file as imported; the build stops if the file ever changes.",
        f"source_sha256: {sha256}",
        f"title: {quoted(draft.title)}",
    ]
    for name in ("issued", "publisher", "generated_by"):
        if facts.get(name):
            lines.append(f"{name}: {facts[name]}")
    if facts.get("history_note"):
        lines.append(f"history_note: {quoted(facts['history_note'])}")
    lines += [
        "",
        "# How the source prints its headings, so the fidelity check can rebuild it.",
        "headings:",
    ]
    for name in ("introduction", "practices", "conclusion", "section", "practice"):
        lines.append(f"  {name}: {quoted(draft.headings[name])}")
    lines += ["", "sections:"]
    for section in draft.sections:
        lines += [f"  - notation: {section.notation}", f"    title: {quoted(section.title)}"]
    return "\n".join(lines) + "\n"


def body(paragraphs: list[Paragraph]) -> str:
    return "\n\n".join(p.text for p in paragraphs) + "\n"


def proposals_yaml(proposals: list[Proposal]) -> list[str]:
    lines = ["  proposed:"]
    for p in proposals:
        if p.cites:
            lines.append(f"    - cites: {p.cites}")
            if p.new:
                lines[-1] += "  # a practice the catalogue does not list yet"
            lines.append(f"      as: {p.kind}")
        elif p.mentions:
            lines.append(f"    - mentions: {p.mentions}")
        else:
            lines.append(f"    - stub: {quoted(p.stub or '')}  # not in the catalogue")
        lines.append(f"      words: {quoted(p.words)}")
        if p.describes:
            lines.append(f"      describes: {quoted(p.describes)}")
    return lines


def footnotes_yaml(draft: Draft, proposals: dict[int, list[Proposal]]) -> str:
    lines = [
        f"# The {len(draft.footnotes)} footnotes, verbatim (text as printed: *italics*, <links>).",
        "# A footnote belongs to the unit whose text carries its marker; the build finds it there.",
        "# proposed: what `goodpractice import` found the footnote citing or naming; not published.",
        "#   Confirm each by moving it to `citations:` (a `cites:` with its `as:`, the CiTO",
        "#   property; check it against docs/citations.md) or to `mentions:`, after adding any",
        "#   `stub:` to content/catalogue/; or delete it. `goodpractice validate` counts those left.",
    ]
    for number, note in sorted(draft.footnotes.items()):
        lines += ["", f"- number: {number}", f"  text: {quoted(note.text)}"]
        if proposals.get(number):
            lines += proposals_yaml(proposals[number])
    return "\n".join(lines) + "\n"


def practice_md(draft: Draft, index: int) -> str:
    p = draft.practices[index]
    front = [
        "---",
        f"number: {p.number}",
        f"section: {p.section}",
        f"title: {quoted(p.title)}",
        "---",
        "",
    ]
    return "\n".join(front) + body(p.body)


def write_folder(
    folder: Path,
    draft: Draft,
    key: str,
    facts: dict[str, str],
    sha256: str,
    proposals: dict[int, list[Proposal]],
) -> None:
    """Every file of the draft, into ``folder`` (which must not exist yet)."""
    (folder / "practices").mkdir(parents=True)
    files = {
        "memorandum.yaml": memorandum_yaml(draft, key, facts, sha256),
        "introduction.md": body(draft.introduction),
        "conclusion.md": body(draft.conclusion),
        "footnotes.yaml": footnotes_yaml(draft, proposals),
    }
    width = max(2, len(str(len(draft.practices))))
    for index, p in enumerate(draft.practices):
        files[f"practices/gp{p.number:0{width}d}.md"] = practice_md(draft, index)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
