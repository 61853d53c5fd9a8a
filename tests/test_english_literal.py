"""``graph.build.english`` makes its literals without rdflib's ``Literal.__new__``: each must be
the literal ``Literal(text, lang="en")`` makes, slot for slot."""

from __future__ import annotations

from rdflib import Literal

from goodpractice.graph import build


def slots(literal: Literal) -> tuple:
    return (
        type(literal),
        str(literal),
        literal.language,
        literal.datatype,
        literal.value,
        type(literal.value),
        literal.ill_typed,
        hash(literal),
    )


def test_every_english_literal_of_the_real_graph(model):
    texts = {str(o) for o in model.graph.objects() if isinstance(o, Literal) and o.language}
    texts |= {"", " spaced ", "naïve — text", "line\nbreak", "\ud800 lone surrogate"}
    assert len(texts) > 300
    before = build.fast_literals["english"]
    for text in texts:
        made, reference = build.english(text), Literal(text, lang="en")
        assert slots(made) == slots(reference)
        assert made == reference and made.eq(reference) and made.n3() == reference.n3()
    assert build.fast_literals["english"] - before == len(texts)


def test_a_string_subclass_goes_through_rdflib():
    class Text(str):
        pass

    before = build.fast_literals["english"]
    assert slots(build.english(Text("x"))) == slots(Literal(Text("x"), lang="en"))
    assert build.fast_literals["english"] == before
