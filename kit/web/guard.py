"""Only this machine's own pages may drive the server.

- Host: a name the server was started for. A web page elsewhere can point
  its own domain at 127.0.0.1 (DNS rebinding); its requests then carry that
  domain as Host and are refused.
- Origin (or Referer when a browser sends no Origin): on a request that
  changes something (POST, ...), the server's own address. A form on another
  site posting here is refused; a script, which sends neither, is not.
- Token (when listening beyond this computer): exactly one `token` in the
  query, the right one.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from urllib.parse import parse_qsl, urlsplit

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
WILDCARDS = {"0.0.0.0", "::", ""}


def allowed_hosts(host: str) -> set[str]:
    """Host names (lower case, IPv6 without brackets) a request may name."""
    names = set(LOOPBACK_NAMES)
    names.add(host.strip("[]").lower())
    if host in WILDCARDS:  # every address of this machine: it is reached by name or by address
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return names - WILDCARDS


def host_name(value: str) -> str | None:
    """'Example.org:8000' -> 'example.org'; '[::1]:80' -> '::1'; None when malformed."""
    value = value.strip().lower()
    if not value:
        return None
    if value.startswith("["):
        end = value.find("]")
        rest = value[end + 1:] if end > 0 else None
        if rest is None or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return value[1:end]
    name, _, port = value.partition(":")
    if port and not port.isdigit():
        return None
    return name


def host_allowed(value: str, names: set[str], wildcard: bool) -> bool:
    name = host_name(value)
    if name is None:
        return False
    if name in names:
        return True
    if wildcard:  # listening everywhere: any address of this machine, typed as digits (no name to rebind)
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return False
    return False


def same_origin(origin: str, host: str) -> bool:
    """Whether an Origin or Referer URL names this server as the request reached it."""
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def token_ok(query_string: bytes, token: str) -> bool:
    given = [v for k, v in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True) if k == "token"]
    return len(given) == 1 and secrets.compare_digest(given[0].encode(), token.encode())


class Guard:
    """ASGI middleware: Host, Origin/Referer and token, checked before anything else runs."""

    def __init__(self, app, host: str = "127.0.0.1", token: str | None = None):
        self.app = app
        self.names = allowed_hosts(host)
        self.wildcard = host in WILDCARDS
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers") or []}
        host = headers.get("host", "")
        if not host_allowed(host, self.names, self.wildcard):
            return await _refuse(send, 400, "unknown host name: open the address printed when the server started\n")
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            referer = headers.get("referer")
            if origin is not None and not same_origin(origin, host):
                return await _refuse(send, 403, "refused: the request came from another site's page\n")
            if origin is None and referer and not same_origin(referer, host):
                return await _refuse(send, 403, "refused: the request came from another site's page\n")
            if _body_declared(headers) and _media_type(headers) not in FORM_TYPES:
                # Every POST route reads a form; another body would be ignored, not refused.
                return await _refuse(send, 415, "send the request as a form (multipart/form-data)\n")
        if self.token and not token_ok(scope.get("query_string", b""), self.token):
            return await _refuse(send, 403, "a token is required: use the address printed when the server started\n")
        return await self.app(scope, receive, send)


FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _body_declared(headers: dict[str, str]) -> bool:
    length = headers.get("content-length", "0").strip()
    return "transfer-encoding" in headers or not length.isdigit() or int(length) > 0


def _media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies over the limit with 413, counted as they arrive."""

    def __init__(self, app, limit: int, answer):
        self.app, self.limit, self.answer = app, limit, answer  # answer(scope, send): the 413

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self.answer(scope, send)
        seen = 0
        refused = False

        async def counted():
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Answer now; the app sees a client that went away (its own answer is dropped).
                    refused = True
                    await self.answer(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message):
            if not refused:
                await send(message)

        await self.app(scope, counted, watched)
