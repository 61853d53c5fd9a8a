"""Content negotiation on the Accept header: which representation of a resource to send."""

from __future__ import annotations

from ..vocab import FORMAT, RESOURCE_FORMATS

# What a resource can be had as: media type → the file beside its page (HTML first).
REPRESENTATIONS = {
    FORMAT["html"].media_type: "/index.html",
    **{f.media_type: f".{f.extension}" for f in RESOURCE_FORMATS},
}
ALIASES = {"application/xhtml+xml": "text/html", "application/json": "application/ld+json"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their quality, best first."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, quality, specificity, position))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(media, quality) for media, quality, _, _ in ranges]


def negotiate(header: str | None, available: list[str]) -> str | None:
    """The available media type the Accept header prefers; ties go to the order of
    ``available`` (HTML first). None when the header accepts none of them."""
    ranges = parse_accept(header)

    def quality(media_type: str) -> float:
        best, best_specificity = 0.0, -1
        for media, q in ranges:
            media = ALIASES.get(media, media)
            if media == media_type:
                specificity = 2
            elif media.endswith("/*") and media_type.startswith(media[:-1]):
                specificity = 1
            elif media == "*/*":
                specificity = 0
            else:
                continue
            if specificity > best_specificity:
                best, best_specificity = q, specificity
        return best

    scored = [(quality(t), -i, t) for i, t in enumerate(available)]
    scored = [s for s in scored if s[0] > 0]
    return max(scored)[2] if scored else None
