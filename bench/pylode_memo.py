"""pyLODE's VocPub (SKOS) profile on one Turtle file, optionally with rdflib's Graph.__add__
memoised: the "patched pyLODE" that bench/pylode.py compares the build with.

    PY312 bench/pylode_memo.py DATASET.ttl OUT.html [--memo]

Runs in the Python 3.12 environment that bench/pylode.py sets up (pylode 3.6.0, kurra 3.0.5);
it imports nothing of this project. pyLODE 3.6.0 builds ``self.ont + self.back_onts`` (a new
graph: every triple of the dataset and of its background ontologies copied) once per property
value it labels, so its time grows with the square of the dataset. With ``--memo`` the union of
two graphs is made once and reused while neither graph has changed size; nothing else of pyLODE
is changed. Prints one JSON line: seconds (loading and rendering, as pyLODE's command line does
them), the unions asked for and the unions made (the same number without ``--memo``).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

from rdflib import Graph

ASKED = {"unions": 0, "made": 0}


def count_graph_add(memoise: bool) -> None:
    """Count the unions pyLODE asks rdflib for; with ``memoise``, keep each union made."""
    original = Graph.__add__
    cache: dict[tuple[int, int], tuple[Graph, Graph, int, int, Graph]] = {}

    def add(self: Graph, other: Graph) -> Graph:
        ASKED["unions"] += 1
        key = (id(self), id(other))
        kept = cache.get(key)
        # Both operands are held in the entry, so their ids cannot be reused by other graphs;
        # a change of either's size makes the union again.
        if kept and kept[0] is self and kept[1] is other and (len(self), len(other)) == kept[2:4]:
            return kept[4]
        ASKED["made"] += 1
        union = original(self, other)
        if memoise:
            cache[key] = (self, other, len(self), len(other), union)
        return union

    Graph.__add__ = add


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--memo"]
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[1].strip())
    dataset, out = args
    count_graph_add(memoise="--memo" in sys.argv)
    logging.disable(logging.INFO)  # pyLODE's libraries log each step at INFO and DEBUG
    # bench/pylode.py beside this file is not the package pylode.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    from pylode import VocPub  # after the patch, as the profile is used

    start = time.perf_counter()
    VocPub(dataset, sort_subjects=True).make_html(destination=out)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, **ASKED}))


if __name__ == "__main__":
    main()
