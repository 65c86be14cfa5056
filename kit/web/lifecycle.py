"""The server's life: its temporary root, slow clients, and stopping.

- The root holds the server's process id; a root left by a server that was
  killed (kill -9, a power cut) is removed by the next start.
- A client that sends a request too slowly is answered 408 and closed; one
  that connects and sends nothing is closed (uvicorn itself only times out
  idle keep-alive connections).
- Ctrl-C or SIGTERM stops the server at once: running builds and parses are
  abandoned, their requests answered 503, and the pool's workers stopped.
  Build threads are daemons, so a parse still running cannot hold the exit.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

ROOT_PREFIX = "findings-kit-web-"
PID_FILE = "server.pid"
IDLE_SECONDS = 10.0  # without a byte from a client that is sending a request
# Developer switch: KIT_WEB_IDLE_SECONDS=S puts a server's idle timeout at S seconds
# (the tests time slow clients out without waiting ten seconds).
IDLE_ENV = "KIT_WEB_IDLE_SECONDS"
REQUEST_SECONDS = 60.0  # for a whole request to arrive (10 MB at 1.4 Mbit/s)


class Stopping(Exception):
    """The server is stopping: the request's build or parse was abandoned."""


# -- the temporary root ---------------------------------------------------------------------
def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat): a pid reused later has another."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def _alive(pid: int, started: str | None) -> bool:
    if os.path.isdir("/proc/self"):
        return started is not None and _start_time(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_roots(parent: Path | None = None) -> list[Path]:
    """Remove the roots of servers of this user that are no longer running."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    for root in parent.glob(f"{ROOT_PREFIX}*"):
        try:
            if root.is_symlink() or root.stat().st_uid != os.getuid():
                continue
            pid_text, _, started = (root / PID_FILE).read_text().strip().partition(" ")
            pid = int(pid_text)
        except (OSError, ValueError):
            continue  # not ours to judge (still starting, or another program's)
        if not _alive(pid, started or None):
            shutil.rmtree(root, ignore_errors=True)
            removed.append(root)
    return removed


def make_root() -> Path:
    remove_stale_roots()
    root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
    (root / PID_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid()) or ''}\n")
    return root


# -- threads that never hold the exit ---------------------------------------------------------
class DaemonThreads:
    """A small executor of daemon threads (ThreadPoolExecutor's are joined at exit)."""

    def __init__(self, workers: int, name: str):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        for n in range(workers):
            threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True).start()

    def _work(self) -> None:
        while True:
            future, fn, args = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        self._queue.put((future, fn, args))
        return future

    def shutdown(self, wait: bool = False, cancel_futures: bool = True) -> None:
        while True:  # queued work is dropped; running work ends with the process
            try:
                future, _, _ = self._queue.get_nowait()
            except queue.Empty:
                return
            future.cancel()


async def off_loop(stopping: threading.Event, executor, fn, *args):
    """fn(*args) in `executor`, awaited until it ends or the server stops (Stopping)."""
    future = asyncio.get_running_loop().run_in_executor(executor, fn, *args)
    while True:
        done, _ = await asyncio.wait({future}, timeout=0.1)
        if done:
            if stopping.is_set() and future.exception() is not None:
                raise Stopping  # the stopped workers broke the build: not an error of its own
            return future.result()
        if stopping.is_set():
            future.cancel()
            raise Stopping


class News:
    """Requests waiting for something to change, woken from any thread (a build's
    thread reports a product; stopping the server wakes them all to answer)."""

    def __init__(self):
        self._waiting: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def tell(self) -> None:
        for loop, event in list(self._waiting):
            loop.call_soon_threadsafe(event.set)

    async def wait(self, unchanged, seconds: float) -> None:
        """Until `unchanged()` is false or `seconds` have passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while unchanged():
            event = asyncio.Event()
            entry = (loop, event)
            self._waiting.add(entry)  # before looking again: news in between still wakes it
            try:
                left = deadline - loop.time()
                if not unchanged() or left <= 0:
                    return
                try:
                    await asyncio.wait_for(event.wait(), left)
                except TimeoutError:
                    return
            finally:
                self._waiting.discard(entry)


# -- slow clients -----------------------------------------------------------------------------
def _idle_seconds() -> float:
    try:
        return max(0.5, float(os.environ.get(IDLE_ENV) or IDLE_SECONDS))
    except ValueError:
        return IDLE_SECONDS


class ClientTimeouts(H11Protocol):
    """h11 with timeouts while the server waits on the client (not on itself)."""

    idle_seconds = _idle_seconds()
    request_seconds = REQUEST_SECONDS

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._idle = self._deadline = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _waiting_on_client(self) -> bool:
        if self.transport.is_closing() or self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            return False
        if self.conn.their_state is h11.IDLE and self.conn.our_state is not h11.IDLE:
            return False  # a response is on its way
        return self.conn.their_state is h11.SEND_BODY or self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if not self._waiting_on_client():
            if self._deadline is not None and self.conn.their_state is not h11.SEND_BODY:
                self._deadline.cancel()
                self._deadline = None
            return
        if self.timeout_keep_alive_task is not None and self.conn.their_state is h11.IDLE \
                and not self.conn.trailing_data[0]:
            return  # between requests: uvicorn's keep-alive timeout closes it
        self._idle = self.loop.call_later(self.idle_seconds, self._too_slow)
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.request_seconds, self._too_slow)

    def _disarm(self) -> None:
        for timer in (self._idle, self._deadline):
            if timer is not None:
                timer.cancel()
        self._idle = self._deadline = None

    def _too_slow(self) -> None:
        self._disarm()
        if self.transport.is_closing() or not self._waiting_on_client():
            return
        started = self.conn.their_state is not h11.IDLE or self.conn.trailing_data[0]
        if started and (self.cycle is None or not self.cycle.response_started):  # an unused connection just closes
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\n"
                                 b"connection: close\r\ncontent-length: 33\r\n\r\n"
                                 b"the request came in too slowly.\r\n")
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()


# -- stopping -----------------------------------------------------------------------------------
class Server(uvicorn.Server):
    """uvicorn's server, which abandons running builds the moment it is asked to stop."""

    def __init__(self, config: uvicorn.Config, on_stop):
        super().__init__(config)
        self._on_stop = on_stop

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        self._on_stop()


def config(app, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", http=ClientTimeouts,
                          timeout_keep_alive=5, timeout_graceful_shutdown=1, limit_concurrency=100)
