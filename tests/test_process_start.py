"""How the command line's processes start and end: the workers fork before
WeasyPrint loads (also for a single deck, which may be cut into parts) and
load it themselves, and the main process ends without tearing the
interpreter down once every PDF is written, its output whole."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from conftest import GENERATE, ROOT


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    """`code` run by a fresh interpreter (this one has loaded WeasyPrint and laid out)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_workers_fork_before_the_renderer_loads_and_load_it_themselves():
    done = _python("""
        import sys
        import os
        from kit.build.pool import early

        with early(2, 1) as none:
            print("one product:", none)
        with early(1, 8, parts=True) as none:
            print("one job:", none)
        with early(2, 1, parts=True) as pool:  # a deck: its parts fill both workers
            print(pool._mp_context.get_start_method(), pool._max_workers)
            workers = {pool.submit(os.getpid).result() for _ in range(4)}  # after each one's start
            print(all("libpango" in open(f"/proc/{pid}/maps").read() for pid in workers))
        print("main:", "weasyprint" in sys.modules)
        import threading
        try:  # bad input found while the workers start: they are stopped, and so is the pool's thread
            with early(2, 3) as pool:
                pool.submit(os.getpid).result()
                raise ValueError("a bad pack")
        except ValueError:
            pass
        # (a pool thread still ending at exit races Python's exit handler: a traceback after the error)
        print("threads:", threading.active_count())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["one product: None", "one job: None", "fork 2", "True", "main: False",
                                        "threads: 1"]


def test_a_deck_built_by_the_command_line_never_loads_the_renderer_in_the_main_process(tmp_path):
    done = _python("""
        import sys
        from kit.cli import main
        status = main(["--force", "--jobs", "2", "--only", "sort-cards,sort-mat", "--out", sys.argv[1]])
        print(status, "weasyprint" in sys.modules)
    """, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 False"
    assert (tmp_path / "collectief-leren" / "sort-cards.pdf").read_bytes().startswith(b"%PDF-")


def test_the_command_line_ends_with_its_status_and_all_it_printed(tmp_path):
    done = subprocess.run([sys.executable, str(GENERATE), "--force", "--only", "poster,sort-mat",
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(line.split(":")[0] for line in done.stdout.splitlines()) == [
        str(tmp_path / "collectief-leren" / "poster.pdf"), str(tmp_path / "collectief-leren" / "sort-mat.pdf")]
    bad = subprocess.run([sys.executable, "-m", "kit", "--only", "no-such-product"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown product 'no-such-product'" in bad.stderr


def test_leaving_runs_the_exit_handlers_flushes_and_waits_for_a_running_thread(tmp_path):
    quick = _python("""
        import atexit
        from kit.entry import leave
        atexit.register(print, "exit handler ran")
        print("buffered, not flushed", end="")
        leave(3)
    """)
    assert quick.returncode == 3, quick.stderr
    assert quick.stdout == "buffered, not flushedexit handler ran\n"
    waited = _python("""
        import sys, threading, time
        from pathlib import Path
        from kit.entry import leave
        def late():
            time.sleep(0.3)
            Path(sys.argv[1]).write_text("done")
        threading.Thread(target=late).start()
        leave(4)
    """, str(tmp_path / "late.txt"))
    assert waited.returncode == 4, waited.stderr
    assert (tmp_path / "late.txt").read_text() == "done"


def test_a_build_with_kit_timeline_set_says_which_process_rendered_what_when(tmp_path):
    record = tmp_path / "timeline.txt"
    env = {**os.environ, "KIT_TIMELINE": str(record)}
    done = subprocess.run([sys.executable, str(GENERATE), "--force", "--jobs", "2", "--only", "poster,sort-mat",
                           "--out", str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in record.read_text().splitlines()]
    assert sorted(line[1] for line in lines) == ["poster", "sort-mat"]
    for pid, _, part, start, end, cpu in lines:
        assert int(pid) > 0 and part == "0" and float(start) <= float(end) and float(cpu) > 0
