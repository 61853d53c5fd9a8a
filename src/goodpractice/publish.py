"""Publishing the dataset to a SPARQL store, by the SPARQL 1.1 Graph Store HTTP Protocol.

The current release goes into the named graph whose IRI is the release's
(``<base>dataset/<version>``, read from the built ``dataset.nt``), replaced by one ``PUT
<store>?graph=<iri>`` whose body is ``dataset.nt`` itself: publishing again replaces the graph
rather than adding to it, and the graphs of earlier releases stay as they are. A store that
follows the protocol applies a PUT whole or not at all, so an upload cut half-way leaves the
graph as it was.

Credentials come from the environment and are never printed (see :data:`ENVIRONMENT`).
Every failure (an HTTP error, a timeout, a store that cannot be reached) is a
:class:`PublishError` whose message is one line for a person.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import secrets
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from .vocab import DCAT3, MEDIA_TYPES

DATASET_FILE = "dataset.nt"
CONTENT_TYPE = MEDIA_TYPES["nt"]
CHUNK = 1 << 16  # bytes sent at a time

USER, PASSWORD, AUTH, TOKEN = (
    "GOODPRACTICE_STORE_USER",
    "GOODPRACTICE_STORE_PASSWORD",
    "GOODPRACTICE_STORE_AUTH",
    "GOODPRACTICE_STORE_TOKEN",
)
ENVIRONMENT = {
    USER: "the user name, for basic or digest authentication",
    PASSWORD: "the password, for basic or digest authentication",
    AUTH: "basic (the default with a user) or digest (Virtuoso's /sparql-graph-crud-auth)",
    TOKEN: "a bearer token (Authorization: Bearer …), instead of a user and password",
}
SCHEMES = ("basic", "digest", "bearer")
_CURRENT_VERSION = f"<{DCAT3.hasCurrentVersion}>"
_NT_LINE = re.compile(r"<([^>]*)> <([^>]*)> <([^>]*)> \.")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_CHALLENGE_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


UNCHANGED = "a store that follows the protocol leaves the graph as it was: publish again."


class PublishError(Exception):
    """Publishing failed or could not start; the message is one line for a person."""


@dataclass(frozen=True)
class Credentials:
    scheme: str | None = None  # None (no authentication), "basic", "digest" or "bearer"
    user: str = ""
    password: str = ""
    token: str = ""

    def __repr__(self) -> str:  # never the secrets, even in a traceback
        return f"Credentials(scheme={self.scheme!r})"

    def describe(self) -> str:
        if self.scheme is None:
            return "none"
        if self.scheme == "bearer":
            return f"a bearer token from {TOKEN}"
        return f"{self.scheme} authentication as {USER}, with {PASSWORD}"


def credentials_from(environ: Mapping[str, str] = os.environ) -> Credentials:
    """The credentials the environment gives, checked; a PublishError names the variable."""
    user, password = environ.get(USER, ""), environ.get(PASSWORD, "")
    token = environ.get(TOKEN, "")
    scheme = environ.get(AUTH, "").strip().lower() or None
    if scheme is not None and scheme not in SCHEMES:
        raise PublishError(f"{AUTH} must be one of {', '.join(SCHEMES)}, not {scheme!r}.")
    if scheme is None:
        scheme = "bearer" if token else "basic" if user else None
    if scheme == "bearer":
        if not token:
            raise PublishError(f"{AUTH}=bearer needs the token in {TOKEN}.")
        return Credentials("bearer", token=token)
    if scheme is not None and not (user and password):
        missing = USER if not user else PASSWORD
        raise PublishError(
            f"{scheme} authentication needs {USER} and {PASSWORD}; {missing} is not set."
        )
    return Credentials(scheme, user=user, password=password)


@dataclass(frozen=True)
class Upload:
    """What ``publish`` sends: one PUT of a file to a store's graph."""

    store: str  # the Graph Store endpoint, as given
    url: str  # the endpoint with ``graph=<iri>``
    graph: str
    path: Path
    triples: int
    size: int
    method: str = "PUT"
    content_type: str = CONTENT_TYPE


def plan(out_dir: Path, store: str, graph: str | None = None) -> Upload:
    """The upload of ``out_dir/dataset.nt`` to the store's graph ``graph`` (default: the current
    release's IRI, which the dataset names with ``dcat:hasCurrentVersion``)."""
    parts = urlsplit(store)
    if "@" in parts.netloc:  # the URL is not repeated: it holds a secret
        raise PublishError(
            f"--store: give the credentials in the environment ({USER} and {PASSWORD}, or "
            f"{TOKEN}), not in the URL."
        )
    try:
        valid = parts.scheme in ("http", "https") and parts.hostname and (parts.port or True)
    except ValueError:  # a port that is not a number
        valid = False
    if not valid:
        raise PublishError(
            f"--store {store}: give the store's Graph Store endpoint as an http(s) URL, "
            "e.g. http://localhost:7878/store (Oxigraph)."
        )
    if graph is not None and not _ABSOLUTE_IRI.fullmatch(graph):
        raise PublishError(f"--graph {graph}: the graph's name must be an absolute IRI.")
    path = Path(out_dir) / DATASET_FILE
    if not path.is_file():
        raise PublishError(
            f"{path} does not exist: run goodpractice build first, or give --out the folder "
            "it wrote."
        )
    triples, releases = 0, set()
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip() and not line.startswith("#"):
                    triples += 1
                    if _CURRENT_VERSION in line:
                        match = _NT_LINE.match(line)
                        if match:
                            releases.add(match.group(3))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 N-Triples"
        raise PublishError(f"{path}: cannot read it: {reason}.") from None
    if graph is None:
        if len(releases) != 1:
            found = "no current release" if not releases else "several current releases"
            raise PublishError(
                f"{path} names {found} (dcat:hasCurrentVersion); give the graph with --graph IRI."
            )
        graph = releases.pop()
    query = (parts.query + "&" if parts.query else "") + "graph=" + quote(graph, safe="")
    url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
    return Upload(store, url, graph, path, triples, path.stat().st_size)


def describe(upload: Upload, credentials: Credentials) -> list[str]:
    """What would be sent, for ``--dry-run``: no secret in it."""
    return [
        f"{upload.method} {upload.url}",
        f"  graph:        {upload.graph}",
        f"  content type: {upload.content_type}",
        f"  body:         {upload.path}: {upload.triples:,} triples, {upload.size:,} bytes",
        f"  credentials:  {credentials.describe()}",
    ]


@dataclass(frozen=True)
class Sent:
    status: int
    reason: str


def send(upload: Upload, credentials: Credentials, timeout: float) -> Sent:
    """PUT the file to the store; the store's 2xx answer, or a PublishError."""
    parts = urlsplit(upload.url)
    target = parts.path + "?" + parts.query
    authorization = None
    if credentials.scheme == "basic":
        pair = f"{credentials.user}:{credentials.password}".encode()
        authorization = "Basic " + base64.b64encode(pair).decode("ascii")
    elif credentials.scheme == "bearer":
        authorization = f"Bearer {credentials.token}"
    elif credentials.scheme == "digest":
        # The challenge first, with a request that has no body, so that the file goes once.
        challenge = _exchange(upload, "HEAD", target, None, timeout, body=False)
        authorization = _digest(challenge, credentials, upload.method, target, upload.store)
    answer = _exchange(upload, upload.method, target, authorization, timeout, body=True)
    if (
        answer.status == 401
        and credentials.scheme == "digest"
        and authorization is None
        and _digest_challenge(answer)
    ):  # the store asked for the credentials only once it had the body: send it again
        authorization = _digest(answer, credentials, upload.method, target, upload.store)
        answer = _exchange(upload, upload.method, target, authorization, timeout, body=True)
    if not 200 <= answer.status < 300:
        raise PublishError(_refusal(upload, answer, credentials))
    return Sent(answer.status, answer.reason)


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    text: str


def _exchange(
    upload: Upload, method: str, target: str, authorization: str | None, timeout: float, body: bool
) -> _Answer:
    parts = urlsplit(upload.url)
    where = f"the store at {upload.store}"
    if parts.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    sent = False
    try:
        try:
            connection.connect()
        except TimeoutError:
            raise PublishError(
                f"{where} did not connect within {timeout:g} s (--timeout)."
            ) from None
        except OSError as error:
            raise PublishError(f"cannot reach {where}: {_reason(error)}.") from None
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            if authorization is not None:
                connection.putheader("Authorization", authorization)
            if body:
                connection.putheader("Content-Type", upload.content_type)
                connection.putheader("Content-Length", str(upload.size))
            connection.endheaders()
            if body:
                with upload.path.open("rb") as file:
                    while chunk := file.read(CHUNK):
                        connection.send(chunk)
            sent = True
            response = connection.getresponse()
            text = response.read(4096) if method != "HEAD" else b""
        except TimeoutError:
            if sent:
                raise PublishError(
                    f"{where} took the upload but did not answer within {timeout:g} s "
                    "(--timeout): it may still be loading it; look at the graph before "
                    "publishing again."
                ) from None
            raise PublishError(
                f"{where} stopped taking the upload for {timeout:g} s (--timeout); {UNCHANGED}"
            ) from None
        except (OSError, http.client.HTTPException) as error:
            early = None if sent else _early_answer(connection)
            if early is not None:  # the store answered (say 401) and closed before the end
                return early
            raise PublishError(
                f"the connection to {where} was cut before it answered ({_reason(error)}); "
                f"{UNCHANGED}"
            ) from None
        charset = response.headers.get_content_charset() or "utf-8"
        return _Answer(
            response.status,
            response.reason,
            response.getheaders(),
            _short(text.decode(charset, "replace"), response.headers.get_content_type()),
        )
    finally:
        connection.close()


def _early_answer(connection: http.client.HTTPConnection) -> _Answer | None:
    try:
        response = connection.getresponse()
        text = response.read(4096)
    except (OSError, http.client.HTTPException):
        return None
    return _Answer(
        response.status,
        response.reason,
        response.getheaders(),
        _short(text.decode("utf-8", "replace"), response.headers.get_content_type()),
    )


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _short(text: str, content_type: str) -> str:
    """The store's explanation on one short line: tags and spaces folded."""
    if "html" in content_type or "xml" in content_type:
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def _refusal(upload: Upload, answer: _Answer, credentials: Credentials) -> str:
    message = f"the store at {upload.store} refused the upload: {answer.status} {answer.reason}"
    if answer.text and answer.text.lower() != answer.reason.lower():
        message += f" ({answer.text})"
    if answer.status in (401, 403):
        if credentials.scheme is None:
            message += f"; it needs credentials: set {USER} and {PASSWORD} (or {TOKEN})"
        else:
            message += f"; check the credentials ({credentials.describe()})"
            if answer.status == 401 and credentials.scheme == "basic":
                message += f", or set {AUTH}=digest if the store asks for digest"
    return message + "."


def _digest_challenge(answer: _Answer) -> dict[str, str] | None:
    for name, value in answer.headers:
        if name.lower() == "www-authenticate" and value.strip().lower().startswith("digest "):
            return {
                key.lower(): quoted if quoted or not bare else bare
                for key, quoted, bare in _CHALLENGE_PARAM.findall(value.strip()[7:])
            }
    return None


def _digest(
    answer: _Answer, credentials: Credentials, method: str, target: str, store: str
) -> str | None:
    """The Authorization header answering a digest challenge (RFC 7616: MD5 or SHA-256,
    qop=auth or none); None if the store did not ask for any authentication."""
    challenge = _digest_challenge(answer)
    if challenge is None:
        if answer.status == 401:
            raise PublishError(
                f"the store at {store} asks for another authentication than digest; set {AUTH} "
                "to basic or bearer."
            )
        return None
    algorithm = challenge.get("algorithm", "MD5").upper()
    hashes = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
    if algorithm not in hashes:
        raise PublishError(
            f"the store at {store} asks for digest {algorithm}, which is not supported (MD5 or SHA-256)."
        )

    def h(text: str) -> str:
        return hashes[algorithm](text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    ha1 = h(f"{credentials.user}:{realm}:{credentials.password}")
    ha2 = h(f"{method}:{target}")
    fields = [
        f'username="{credentials.user}"',
        f'realm="{realm}"',
        f'nonce="{nonce}"',
        f'uri="{target}"',
        f"algorithm={algorithm}",
    ]
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    if "auth" in qops:
        cnonce, count = secrets.token_hex(8), "00000001"
        response = h(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
        fields += ["qop=auth", f"nc={count}", f'cnonce="{cnonce}"']
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    fields.append(f'response="{response}"')
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    return "Digest " + ", ".join(fields)
