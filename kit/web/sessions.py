"""Browser sessions: each keeps its last build's folder, within caps.

A session is made by the first build of a browser (not by a visit), its
folder by the first build that writes something. At most MAX_SESSIONS are
kept, using at most MAX_SESSION_BYTES on disk together: past either cap the
session seen longest ago goes first (one that is building stays), so that
nothing a page or a script sends can fill the disk.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SESSION_IDLE_SECONDS = 4 * 3600
MAX_SESSIONS = 24
MAX_SESSION_BYTES = 300 * 1024 * 1024


@dataclass
class Session:
    id: str
    folder: Path  # made by ensure_folder, when a build needs it
    lock: threading.Lock = field(default_factory=threading.Lock)
    job: object = None  # kit.web.jobs.Job of the latest build
    seen: float = field(default_factory=time.monotonic)

    def ensure_folder(self) -> Path:
        self.folder.mkdir(exist_ok=True)
        return self.folder


def folder_bytes(folder: Path) -> int:
    total = 0
    for path, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(path, name)).st_size
            except OSError:
                continue  # removed while counted
    return total


class Sessions:
    def __init__(self, root: Path, max_count: int = MAX_SESSIONS, max_bytes: int = MAX_SESSION_BYTES,
                 idle_seconds: float = SESSION_IDLE_SECONDS):
        self.root = root
        self.max_count, self.max_bytes, self.idle_seconds = max_count, max_bytes, idle_seconds
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def find(self, session_id: str | None) -> Session | None:
        with self._lock:
            found = self._sessions.get(session_id or "")
            if found is not None:
                found.seen = time.monotonic()
            return found

    def get(self, session_id: str | None) -> Session:
        """The session of this cookie, or a new one (without a folder yet)."""
        found = self.find(session_id)
        if found is not None:
            return found
        new_id = secrets.token_urlsafe(18)
        found = Session(new_id, self.root / f"session-{secrets.token_hex(8)}")
        with self._lock:
            self._sessions[new_id] = found
        self.prune(keep=found)
        return found

    def prune(self, keep: Session | None = None) -> None:
        """Remove idle sessions, then the oldest until both caps are met."""
        now = time.monotonic()
        with self._lock:
            candidates = sorted((s for s in self._sessions.values() if s is not keep), key=lambda s: s.seen)
            sizes = {s.id: folder_bytes(s.folder) for s in self._sessions.values()}
            total = sum(sizes.values())
            gone = []
            for session in candidates:
                over = len(self._sessions) - len(gone) > self.max_count or total > self.max_bytes
                if not over and now - session.seen <= self.idle_seconds:
                    continue
                if session.lock.acquire(blocking=False):  # a session that is building stays
                    gone.append(session)
                    total -= sizes[session.id]
                    del self._sessions[session.id]
        for session in gone:
            shutil.rmtree(session.folder, ignore_errors=True)
            session.lock.release()
