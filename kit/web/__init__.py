"""`serve`: the kit's local web page and API (kit.web.app)."""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import socket
import sys
import threading
import time
import webbrowser

from ..errors import EXIT_OK, KitError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise KitError(f"cannot listen on {host}:{port} ({exc.strerror}); try another --port") from None


def serve(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="generate.py serve",
        description="Serve the kit as a web page on this computer: build, preview and download a kit in the browser.",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only); any other address "
                   "lets others on the network use it and requires a token, printed at start")
    p.add_argument("--no-browser", action="store_true", help="do not open the page in the default browser")
    args = p.parse_args(argv)
    if not 0 < args.port < 65536:
        raise KitError(f"--port must be between 1 and 65535, not {args.port}")
    token = None
    if not _is_local(args.host):
        token = secrets.token_urlsafe(16)
        print(f"warning: listening on {args.host}: anyone on that network who has the address below "
              "can use this server", file=sys.stderr)
    _check_port(args.host, args.port)

    from .app import create_app
    from .lifecycle import Server, config

    shown = f"[{args.host}]" if ":" in args.host else args.host
    if args.host in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    address = f"http://{shown}:{args.port}/" + (f"?token={token}" if token else "")
    app = create_app(token, host=args.host)

    def abandon_builds():  # Ctrl-C: stop now, not when the running builds are done
        builder = getattr(app.state, "builder", None)
        if builder is not None:
            builder.stop()

    server = Server(config(app, args.host, args.port), on_stop=abandon_builds)

    def announce():
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            print(f"findings-kit is at {address}  (Ctrl-C stops)", flush=True)
            if not args.no_browser:
                webbrowser.open(address)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its clean shutdown
    print("stopped", flush=True)
    return EXIT_OK
