"""kit/web/guard.py, kit/web/sessions.py and kit/web/lifecycle.py on their own:
which hosts, origins and tokens pass, which sessions go first, which
temporary roots are a dead server's."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from kit.web.guard import allowed_hosts, host_allowed, host_name, same_origin, token_ok
from kit.web.lifecycle import PID_FILE, ROOT_PREFIX, remove_stale_roots
from kit.web.sessions import Sessions


def test_host_names_are_parsed_as_browsers_send_them():
    assert host_name("127.0.0.1:8000") == "127.0.0.1"
    assert host_name("LocalHost") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("[::1]") == "::1"
    for malformed in ("", "[::1", "[::1]x", "host:port"):
        assert host_name(malformed) is None, malformed


def test_only_the_names_the_server_was_started_for_are_accepted():
    local = allowed_hosts("127.0.0.1")
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.1"):
        assert host_allowed(host, local, wildcard=False), host
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "10.0.0.5:8000", ""):
        assert not host_allowed(host, local, wildcard=False), host
    lan = allowed_hosts("192.168.1.20")
    assert host_allowed("192.168.1.20:8000", lan, wildcard=False)
    assert not host_allowed("evil.example", lan, wildcard=False)
    # everywhere (0.0.0.0): this machine's name, or any address typed as digits, never another name
    everywhere = allowed_hosts("0.0.0.0")
    import socket

    assert host_allowed(f"{socket.gethostname()}:8000", everywhere, wildcard=True)
    assert host_allowed("10.0.0.5:8000", everywhere, wildcard=True)
    assert not host_allowed("evil.example:8000", everywhere, wildcard=True)


def test_an_origin_is_the_servers_own_only_with_the_same_host_and_port():
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin("http://127.0.0.1:8000/page?x=1", "127.0.0.1:8000")  # a Referer
    assert not same_origin("http://127.0.0.1:9000", "127.0.0.1:8000")
    assert not same_origin("http://evil.example", "127.0.0.1:8000")
    assert not same_origin("null", "127.0.0.1:8000")
    assert not same_origin("file:///tmp/x.html", "127.0.0.1:8000")


def test_exactly_one_token_is_accepted():
    assert token_ok(b"token=GOOD", "GOOD")
    assert token_ok(b"x=1&token=GOOD", "GOOD")
    assert not token_ok(b"token=bad&token=GOOD", "GOOD")  # the last value once won
    assert not token_ok(b"token=GOOD&token=GOOD", "GOOD")
    assert not token_ok(b"token=bad", "GOOD")
    assert not token_ok(b"", "GOOD")


def _fill(session, size: int) -> None:
    session.ensure_folder()
    (session.folder / "kit.pdf").write_bytes(b"x" * size)


def test_sessions_are_capped_by_count_oldest_first(tmp_path):
    sessions = Sessions(tmp_path, max_count=3, max_bytes=10**9)
    made = []
    for _ in range(5):
        made.append(sessions.get(None))
        _fill(made[-1], 10)
        time.sleep(0.01)
    assert len(sessions) == 3
    assert [sessions.find(s.id) is not None for s in made] == [False, False, True, True, True]
    assert not made[0].folder.exists() and made[4].folder.exists()


def test_sessions_are_capped_by_bytes_and_a_building_one_stays(tmp_path):
    sessions = Sessions(tmp_path, max_count=100, max_bytes=2500)
    first, second, third = (sessions.get(None) for _ in range(3))
    for session in (first, second, third):
        _fill(session, 1000)
        time.sleep(0.01)
    first.lock.acquire()  # building: it stays whatever its age
    try:
        sessions.prune()
    finally:
        first.lock.release()
    assert sessions.find(first.id) is first and sessions.find(second.id) is None
    assert sessions.find(third.id) is third and not second.folder.exists()


def test_a_visit_makes_no_folder_and_a_cookie_finds_its_session(tmp_path):
    sessions = Sessions(tmp_path)
    session = sessions.get(None)
    assert not session.folder.exists() and list(tmp_path.iterdir()) == []
    assert sessions.get(session.id) is session
    assert sessions.get("made-up") is not session


def _root(parent, pid_line: str | None):
    root = parent / f"{ROOT_PREFIX}test{len(list(parent.iterdir()))}"
    root.mkdir()
    if pid_line is not None:
        (root / PID_FILE).write_text(pid_line)
    return root


def test_a_dead_servers_root_is_removed_and_a_living_ones_kept(tmp_path):
    from kit.web.lifecycle import _start_time

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = _root(tmp_path, f"{dead.pid} 1\n")
    alive = _root(tmp_path, f"{os.getpid()} {_start_time(os.getpid())}\n")
    reused = _root(tmp_path, f"{os.getpid()} 1\n")  # this pid, but a process started at another time
    unknown = _root(tmp_path, None)  # being made, or another program's: left alone
    assert sorted(remove_stale_roots(tmp_path)) == sorted([gone, reused])
    assert alive.exists() and unknown.exists() and not gone.exists() and not reused.exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="start times come from /proc")
def test_start_time_tells_processes_apart():
    from kit.web.lifecycle import _start_time

    assert _start_time(os.getpid()) and _start_time(os.getpid()) == _start_time(os.getpid())
    assert _start_time(2**22 + 12345) is None
