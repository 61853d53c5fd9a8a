"""Compare two outputs of ``goodpractice build``: the exports byte for byte, the site page by page.

    python3 bench/compare_outputs.py OLD_BUILD NEW_BUILD [--site OLD_SITE NEW_SITE]

For the exports, every file must have the same bytes (SHA-256 of each file compared). For the
site, every page must exist at the same path, and the text of its article and the set of links
in the article must be the same; the markup around them may differ. Prints what differs and
exits 1 if anything does. Used to prove that a restructuring changed no output.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class Article(HTMLParser):
    """The text and the links of a page's <article> element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.text: list[str] = []
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.links.add(href)

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text.append(data)


def article(path: Path) -> tuple[str, frozenset[str]]:
    parser = Article()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.text)).strip(), frozenset(parser.links)


def compare_builds(old: Path, new: Path) -> list[str]:
    a, b = checksums(old), checksums(new)
    problems = [f"build: only in old: {name}" for name in sorted(a.keys() - b.keys())]
    problems += [f"build: only in new: {name}" for name in sorted(b.keys() - a.keys())]
    problems += [
        f"build: differs: {name}" for name in sorted(a.keys() & b.keys()) if a[name] != b[name]
    ]
    print(f"build: {len(a)} files compared, {len(problems)} differences")
    return problems


def compare_sites(old: Path, new: Path) -> list[str]:
    pages_a = {p.relative_to(old).as_posix() for p in old.rglob("*.html")}
    pages_b = {p.relative_to(new).as_posix() for p in new.rglob("*.html")}
    problems = [f"site: page only in old: {name}" for name in sorted(pages_a - pages_b)]
    problems += [f"site: page only in new: {name}" for name in sorted(pages_b - pages_a)]
    for name in sorted(pages_a & pages_b):
        (text_a, links_a), (text_b, links_b) = article(old / name), article(new / name)
        if text_a != text_b:
            at = next((i for i, (x, y) in enumerate(zip(text_a, text_b, strict=False)) if x != y),
                      min(len(text_a), len(text_b)))  # fmt: skip
            problems.append(
                f"site: {name}: article text differs at {at}: "
                f"old {text_a[max(0, at - 40) : at + 60]!r} new {text_b[max(0, at - 40) : at + 60]!r}"
            )
        if links_a != links_b:
            problems.append(
                f"site: {name}: links differ: only old {sorted(links_a - links_b)[:5]}, "
                f"only new {sorted(links_b - links_a)[:5]}"
            )
    print(f"site: {len(pages_a | pages_b)} pages compared, {len(problems)} differences")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old_build", type=Path)
    parser.add_argument("new_build", type=Path)
    parser.add_argument("--site", nargs=2, type=Path, metavar=("OLD_SITE", "NEW_SITE"))
    args = parser.parse_args()
    problems = compare_builds(args.old_build, args.new_build)
    if args.site:
        problems += compare_sites(*args.site)
    for problem in problems[:200]:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
