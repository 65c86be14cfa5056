"""A real uvicorn server with the kit's web app, on a free port, in a thread."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager

import uvicorn

from kit.web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(token: str | None = None, workers: int = 2):
    """Yields (base URL, app); the app's builder is at app.state.builder while it runs."""
    app = create_app(token, workers=workers)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(60)


def finished_job(client, data: dict) -> tuple[str, str]:
    """Post the page's form with `client` (an httpx.Client on the server) and
    ask for the job as the page does until it is done: (job id, its last page part)."""
    job = client.post("/build", data=data)
    job_id = re.search(r"/jobs/([\w-]+)", job.text)[1]
    for _ in range(600):
        page = client.get(f"/jobs/{job_id}").text
        if 'aria-busy="false"' in page:
            break
        time.sleep(0.5)
    return job_id, page
