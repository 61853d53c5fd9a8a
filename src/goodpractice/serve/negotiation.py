"""Content negotiation on the Accept header: which representation of a resource to send."""

from __future__ import annotations

from ..vocab import FORMAT, RESOURCE_FORMATS, profile_token_links

# What a resource can be had as: media type → the file beside its page (HTML first).
REPRESENTATIONS = {
    FORMAT["html"].media_type: "/index.html",
    **{f.media_type: f".{f.extension}" for f in RESOURCE_FORMATS},
}
ALIASES = {
    "application/xhtml+xml": FORMAT["html"].media_type,  # XHTML: the page
    FORMAT["json"].media_type: FORMAT["jsonld"].media_type,  # plain JSON: JSON-LD
}


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


# --------------------------------------------------------------------------------------------
# Content negotiation by profile (W3C "Content Negotiation by Profile"): which profile a
# representation conforms to, asked for by ?_profile=TOKEN or the Accept-Profile header.

ALTERNATES = "alt"  # ?_profile=alt: the list of what the resource is available as


def parse_accept_profile(header: str | None) -> list[str]:
    """The profiles an Accept-Profile header names (``<IRI>;q=…``, comma-separated), best first;
    those with q=0 left out."""
    ranges = []
    for position, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        name = fields[0].strip().removeprefix("<").removesuffix(">")
        if not name:
            continue
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranges.append((-quality, position, name))
    return [name for _q, _p, name in sorted(ranges)]


def requested_profiles(query: str | None, header: str | None) -> list[str] | None:
    """What the client asks for, best first: ?_profile= (tokens or IRIs, comma-separated) wins
    over Accept-Profile; None when it asks for no profile."""
    if query is not None and query.strip():
        return [name.strip() for name in query.split(",") if name.strip()]
    names = parse_accept_profile(header)
    return names or None


def choose_profile(requested: list[str] | None, available: list):
    """The first requested profile the resource has (by token or IRI); the first available (the
    default) when nothing is requested; None when the resource has none of those requested."""
    if not requested:
        return available[0]
    for name in requested:
        for profile in available:
            if name in (profile.token, profile.iri):
                return profile
    return None


def profile_links(path: str, profiles: dict, chosen=None, media_type: str | None = None) -> str:
    """The Link header of a resource with several profiles: the profile of this answer
    (rel="profile"), each profile's token (rel="type", anchored at the profile), and every
    representation as a ?_profile=&_mediatype= address (rel="self" for this one, "alternate")."""
    links = [f'<{chosen.iri}>; rel="profile"'] if chosen is not None else []
    links += profile_token_links(list(profiles))
    for profile, media_types in profiles.items():
        for media in media_types:
            rel = "self" if profile == chosen and media == media_type else "alternate"
            links.append(
                f'<{path}?_profile={profile.token}&_mediatype={media}>; rel="{rel}"; '
                f'type="{media}"; profile="{profile.iri}"'
            )
    return ", ".join(links)
