"""The screen version served by the page: `/screen/<pack>` for a shipped
pack (made on the first request, kept while the server runs) and a build's
own `screen.html`, each with headers as strict as the file's own policy."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.responses import HTMLResponse

from ..context import Context, Options
from ..inline import policy_in
from ..pack import load_pack

_made: dict[str, str] = {}
_lock = threading.Lock()


def shipped_screen(pack_id: str, folder: Path) -> str:
    """The screen.html of a shipped pack, in its own language, no --set values."""
    from ..products.screen import render

    with _lock:
        if pack_id not in _made:
            _made[pack_id] = render(Context(load_pack(folder), Options(products=("screen",))))
        return _made[pack_id]


def screen_response(page: str, filename: str | None = None) -> HTMLResponse:
    """The page with its own policy as a header, plus what only a header can
    say: not in a frame, no referrer, no sniffing, not cached, no powerful features."""
    policy = policy_in(page) or "default-src 'none'"
    headers = {
        "Content-Security-Policy": f"{policy}; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cache-Control": "no-store",
    }
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return HTMLResponse(page, headers=headers)
