"""The web server's API and its limits, through a real uvicorn server.

Builds go through the same build_kit and process pool as the command line;
every answer is read back: the ZIP's PDFs, their text, the JSON of a 422.
"""

from __future__ import annotations

import io
import re
import stat
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pypdf
import pytest
from conftest import ENGLISH_PACK
from pdfread import contains, text
from web_server import finished_job

from kit.web.app import create_app

POSTER_SCHOOLS = ["De Linde", "Het Anker", "Sint-Jozef", "De Regenboog"]


@pytest.fixture
def server(web_server):
    return web_server


def zipped(files: dict[str, str | bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buffer.getvalue()


def pack_zip(**changes: str) -> bytes:
    return zipped({**ENGLISH_PACK, **changes})


def build(base: str, timeout: float = 300, files=None, **fields) -> httpx.Response:
    data = dict(fields)  # a list value is a repeated field
    return httpx.post(f"{base}/api/build", data=data, files=files, timeout=timeout)


def pdfs_of(response: httpx.Response, folder: Path) -> dict[str, Path]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    out = {}
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        for name in zf.namelist():
            out[name] = folder / name
            out[name].write_bytes(zf.read(name))
    return out


def leftovers(app) -> list[Path]:
    """Request folders still on disk (each is removed when its answer is sent)."""
    return [p for p in app.state.builder.root.iterdir() if p.name.startswith("request-")]


def test_healthz(server):
    base, _ = server
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_a_build_returns_a_zip_of_the_products_pdfs(server, tmp_path):
    base, app = server
    response = build(base, pack="collectief-leren", products="poster,worksheet", set=["school=De Linde", "date=4 december"])
    pdfs = pdfs_of(response, tmp_path)
    assert sorted(pdfs) == ["poster.pdf", "worksheet.pdf"]
    for pdf in pdfs.values():
        assert pdf.read_bytes().startswith(b"%PDF")
        assert contains(text(pdf), "De Linde")
    assert contains(text(pdfs["poster.pdf"]), "4 december")
    assert leftovers(app) == []


def test_groups_and_a_start_time_give_a_results_sheet_per_group_and_clock_times(server, tmp_path):
    base, _ = server
    response = build(base, pack="collectief-leren", products="results-sheet,guide", sets="3", set=["start=13:30"])
    pdfs = pdfs_of(response, tmp_path)
    assert len(pypdf.PdfReader(pdfs["results-sheet.pdf"]).pages) == 3
    assert contains(text(pdfs["guide.pdf"]), "13:30")


def test_four_builds_at_once_each_get_their_own_school(server, tmp_path):
    base, _ = server
    answers: dict[str, httpx.Response] = {}

    def one(school):
        answers[school] = build(base, pack="collectief-leren", products="poster", set=[f"school={school}"])

    threads = [threading.Thread(target=one, args=(school,)) for school in POSTER_SCHOOLS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for school in POSTER_SCHOOLS:
        folder = tmp_path / school.replace(" ", "_")
        folder.mkdir()
        words = text(pdfs_of(answers[school], folder)["poster.pdf"])
        assert contains(words, school)
        assert not any(contains(words, other) for other in POSTER_SCHOOLS if other != school)


def test_an_uploaded_pack_builds(server, tmp_path):
    base, _ = server
    response = build(base, products="answer-key", set="school=Upload School",
                     files={"pack_file": ("wellbeing.zip", pack_zip(), "application/zip")})
    pdf = pdfs_of(response, tmp_path)["answer-key.pdf"]
    assert contains(text(pdf), "Staff wellbeing in small schools")
    assert contains(text(pdf), "Upload School")


@pytest.mark.parametrize(
    ("fields", "error", "file", "line"),
    [
        ({"pack": "no-such-pack"}, "unknown pack 'no-such-pack'", None, None),
        ({"pack": "collectief-leren", "products": "poster,flyer"}, "unknown product 'flyer'", None, None),
        ({"pack": "collectief-leren", "products": "poster", "set": "school"}, "key=value", None, None),
        ({"pack": "collectief-leren", "products": "poster", "paper": "a0"}, "paper", None, None),
        ({"pack": "collectief-leren", "products": "poster", "lang": "xx"}, "no labels for language 'xx'", None, None),
        ({"pack": "collectief-leren", "products": "poster", "sets": "11"}, "--sets takes 1 to 10", None, None),
    ],
)
def test_bad_fields_get_422_json(server, fields, error, file, line):
    base, _ = server
    response = build(base, **fields)
    assert response.status_code == 422
    body = response.json()
    assert error in body["error"]
    assert (body["file"], body["line"]) == (file, line)


def test_a_broken_upload_names_its_file_and_line(server):
    base, app = server
    broken = ENGLISH_PACK["statements.yaml"].replace("  category: drivers\n", "  category: [drivers\n", 1)
    response = build(base, products="sort-cards", files={"pack_file": ("pack.zip", pack_zip(**{"statements.yaml": broken}))})
    assert response.status_code == 422
    body = response.json()
    assert body["file"] == "statements.yaml"
    assert body["line"] == 3
    assert "invalid YAML" in body["error"]

    missing = ENGLISH_PACK["pack.yaml"].replace("title: Staff wellbeing in small schools\n", "")
    body = build(base, products="poster", files={"pack_file": ("pack.zip", pack_zip(**{"pack.yaml": missing}))}).json()
    assert (body["file"], "missing field 'title'" in body["error"]) == ("pack.yaml", True)
    assert leftovers(app) == []


def test_text_that_does_not_fit_is_422_naming_the_item(server):
    base, _ = server
    long = ENGLISH_PACK["statements.yaml"].replace(
        "text: Pupils notice calmer classrooms.", "text: " + "Pupils notice much calmer classrooms. " * 30, 1)
    response = build(base, products="sort-cards", files={"pack_file": ("pack.zip", pack_zip(**{"statements.yaml": long}))})
    assert response.status_code == 422
    body = response.json()
    assert "st-07" in body["error"] and "does not fit" in body["error"]
    assert body["file"] == "statements.yaml"
    assert body["line"] == 25


def test_uploads_over_10_mb_are_refused_with_413(server):
    base, app = server
    big = b"0" * (10 * 1024 * 1024 + 1)
    response = build(base, files={"pack_file": ("big.zip", big, "application/zip")})
    assert response.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        yield b'--x\r\nContent-Disposition: form-data; name="pack_file"; filename="big.zip"\r\n\r\n'
        for _ in range(11):
            yield b"0" * (1024 * 1024)
        yield b"\r\n--x--\r\n"

    response = httpx.post(f"{base}/api/build", content=chunks(),
                          headers={"content-type": "multipart/form-data; boundary=x"}, timeout=60)
    assert response.status_code == 413
    assert leftovers(app) == []


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (zipped({f"extra-{i}.txt": "x" for i in range(201)}), "201 entries"),
        (zipped({"/etc/pack.yaml": "id: x"}), "absolute path"),
        (zipped({"../pack.yaml": "id: x", **ENGLISH_PACK}), "'..'"),
        (zipped({"sub/../../escape.yaml": "id: x"}), "'..'"),
        (zipped({k: v for k, v in ENGLISH_PACK.items() if k != "statements.yaml"},
                links={"statements.yaml": "/etc/passwd"}), "link"),
        (b"PK\x03\x04 not really a zip", "not a readable zip"),
    ],
    ids=["too-many-entries", "absolute", "dotdot", "nested-dotdot", "symlink", "not-a-zip"],
)
def test_dangerous_zips_are_refused_and_nothing_is_written(server, tmp_path, archive, message):
    base, app = server
    root = Path(app.state.builder.root)
    places = [root, root.parent, Path("/etc")]
    before = {(place, name): (place / name).exists() for place in places for name in ("pack.yaml", "escape.yaml")}
    response = build(base, products="poster", files={"pack_file": ("pack.zip", archive, "application/zip")})
    assert response.status_code == 422
    assert message in response.json()["error"]
    assert response.json()["file"] == "pack.zip"
    assert leftovers(app) == []
    assert {key: (key[0] / key[1]).exists() for key in before} == before
    assert [p for p in root.rglob("*") if p.name.endswith((".yaml", ".zip"))] == []


def test_healthz_answers_within_a_second_during_a_large_build(server, tmp_path):
    base, _ = server
    statements = "".join(
        f"- id: st-{i:03d}\n  category: {('drivers', 'conditions', 'outcomes', 'risks')[i % 4]}\n"
        f"  text: Statement number {i} about how staff look after each other in a small school.\n  source: report\n"
        for i in range(120)
    )
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault(
        "response", build(base, products="sort-cards", files={"pack_file": ("big.zip", pack_zip(**{"statements.yaml": statements}))})))
    worker.start()
    waits = []
    with httpx.Client(base_url=base, timeout=5) as client:
        while worker.is_alive():
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            waits.append(time.perf_counter() - started)
            time.sleep(0.1)
    worker.join()
    assert len(waits) >= 10, "the build was too quick to tell"
    # A server blocked by the build would wait for all of it (tens of seconds);
    # the bound leaves room for a loaded machine, the typical wait is far less.
    assert max(waits) < 3.0, waits
    assert sorted(waits)[len(waits) // 2] < 1.0, waits
    pdf = pdfs_of(result["response"], tmp_path)["sort-cards.pdf"]
    assert contains(text(pdf), "Statement number 119")


def test_no_url_reads_a_file_it_was_not_built_to_serve(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=300) as client:
        client.get("/")
        job_id, _ = finished_job(client, {"pack": "collectief-leren", "products": ["poster"]})
        assert client.get(f"/jobs/{job_id}/files/poster.pdf").content.startswith(b"%PDF")
        assert client.get(f"/jobs/{job_id}/pages/poster/thumb/1.png").content.startswith(b"\x89PNG")
        assert client.get(f"/jobs/{job_id}/kit.zip").status_code == 200
        secret = "../../../../../../etc/passwd"
        quoted = "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd"
        attempts = [
            f"/static/{secret}", f"/static/{quoted}", "/static/..%2F__init__.py", "/static/%2e%2e/app.py",
            "/static/../app.py", "/static//etc/passwd",
            f"/jobs/{quoted}", f"/jobs/{job_id}/files/{quoted}.pdf", f"/jobs/{job_id}/files/..%2Fposter.pdf",
            f"/jobs/{job_id}/files/sort-cards.pdf", f"/jobs/{job_id}/files/..%2F..%2F..%2Fcontent%2Fcollectief-leren%2Fpack.yaml",
            f"/jobs/{quoted}/files/poster.pdf", f"/jobs/{quoted}/kit.zip",
            f"/jobs/{job_id}/pages/{quoted}/thumb/1.png", f"/jobs/{job_id}/pages/poster/{quoted}/1.png",
            f"/jobs/{job_id}/pages/poster/thumb/{quoted}.png", f"/jobs/{job_id}/pages/poster/thumb/0.png",
            f"/jobs/{job_id}/pages/poster/thumb/2.png", f"/jobs/{job_id}/pages/poster/large/-1.png",
            f"/jobs/{job_id}/pages/poster/../../../kit.zip",
        ]
        for path in attempts:
            response = client.get(path)
            assert response.status_code in (400, 404, 422), (path, response.status_code)
            assert b"root:" not in response.content and b"import" not in response.content, path
        # another browser (no session cookie) cannot read this build
        assert httpx.get(f"{base}/jobs/{job_id}/files/poster.pdf").status_code == 404


def test_a_token_is_required_for_every_request_when_set():
    from fastapi.testclient import TestClient

    with TestClient(create_app(token="s3cret", workers=1), base_url="http://127.0.0.1") as client:
        for path in ("/", "/healthz", "/docs", "/static/htmx.min.js", "/openapi.json"):
            assert client.get(path).status_code == 403, path
            assert client.get(path, params={"token": "wrong"}).status_code == 403, path
            assert client.get(path, params={"token": "s3cret"}).status_code == 200, path
        page = client.get("/", params={"token": "s3cret"}).text
        assert 'hx-post="/build?token=s3cret"' in page
        assert 'src="/static/htmx.min.js?token=s3cret"' in page


def test_docs_describe_the_api_offline(server):
    base, _ = server
    page = httpx.get(f"{base}/docs").text
    assert "POST /api/build" in page and "GET /healthz" in page and "pack_file" in page
    assert not re.search(r"(src|href)=\"https?://", page), "the docs must not load anything from outside"


def test_spreadsheet_uploads_reach_the_loader(server):
    base, _ = server
    response = build(base, products="poster", files={"pack_file": ("findings.xlsx", b"not a spreadsheet")})
    assert response.status_code == 422
    problem = response.json()
    assert problem["file"] == "findings.xlsx"
    assert problem["error"].startswith("not a readable .xlsx workbook")


def test_shipped_pack_errors_name_the_file_relative_to_the_pack(tmp_path):
    from kit.build import Result
    from kit.errors import KitError, Where
    from kit.web.app import result_error

    source = tmp_path / "pack"
    source.mkdir()
    error = KitError("'rv-01' does not fit its card", Where(source / "statements.yaml", 12), item="rv-01")
    problem = result_error(Result.refused("poster", error), source)
    assert problem == {"message": "'rv-01' does not fit its card", "file": "statements.yaml", "line": 12,
                       "item": "rv-01"}
    # a workbook's cell: the file as the user knows it, then sheet, row and column
    cell = Where(tmp_path / "findings.xlsx", sheet="statements", row=14, column="text")
    problem = result_error(Result.refused("poster", KitError("too long", cell)), tmp_path / "findings.xlsx")
    assert problem["file"] == "findings.xlsx: sheet statements, row 14, column text" and problem["line"] is None


def _start_serve(*args: str):
    import subprocess
    import sys

    from conftest import ROOT

    process = subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), "serve", "--no-browser", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    line = process.stdout.readline()  # the address, once it listens
    return process, line


def test_serve_prints_its_address_and_stops_cleanly_on_ctrl_c():
    import signal

    from web_server import free_port

    port = free_port()
    process, line = _start_serve("--port", str(port))
    try:
        assert f"http://127.0.0.1:{port}/" in line and "token" not in line
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err and "warning" not in err


def test_serve_on_a_network_address_warns_and_needs_the_token():
    import signal

    from web_server import free_port

    port = free_port()
    process, line = _start_serve("--host", "0.0.0.0", "--port", str(port))
    try:
        token = re.search(r"\?token=([\w-]+)", line)[1]
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 403
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", params={"token": token}, timeout=10).status_code == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert "anyone on that network" in err


def test_serve_on_a_busy_port_is_a_one_line_error():
    import socket
    import subprocess
    import sys

    from conftest import ROOT

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "generate.py"), "serve", "--no-browser", "--port", str(port)],
                                check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot listen on 127.0.0.1:") and "--port" in result.stderr


def test_a_product_the_pack_has_nothing_for_is_left_out_and_named(server, tmp_path):
    base, _ = server
    response = build(base, pack="teamleren", products="poster,alignment")
    assert sorted(pdfs_of(response, tmp_path)) == ["alignment.pdf"]
    assert response.headers["x-kit-skipped"].startswith("poster: the pack has no recommendations")


def test_an_uploaded_pack_brings_its_own_labels_as_a_file_or_a_sheet(server, tmp_path):
    import openpyxl

    from kit.pack import load_pack
    from kit.pack.export import write_workbook

    base, _ = server
    labels = "answer_key: Sleutel voor de begeleider\ncode: Nummer\n"
    response = build(base, products="answer-key",
                     files={"pack_file": ("wellbeing.zip", pack_zip(**{"labels.yaml": labels}), "application/zip")})
    (tmp_path / "zip").mkdir()
    pdf = pdfs_of(response, tmp_path / "zip")["answer-key.pdf"]
    assert contains(text(pdf), "Sleutel voor de begeleider")

    folder = tmp_path / "pack"
    folder.mkdir()
    for name, source in ENGLISH_PACK.items():
        (folder / name).write_text(source, encoding="utf-8")
    book = tmp_path / "wellbeing.xlsx"
    write_workbook(load_pack(folder).pack, book)
    workbook = openpyxl.load_workbook(book)
    sheet = workbook.create_sheet("labels")
    sheet.append(["key", "value"])
    sheet.append(["answer_key", "Sleutel uit het werkblad"])
    workbook.save(book)
    response = build(base, products="answer-key", files={"pack_file": ("wellbeing.xlsx", book.read_bytes())})
    (tmp_path / "xlsx").mkdir()
    pdf = pdfs_of(response, tmp_path / "xlsx")["answer-key.pdf"]
    assert contains(text(pdf), "Sleutel uit het werkblad")

    # a misspelt key is named as the command line names it, with its file and line
    broken = build(base, products="answer-key",
                   files={"pack_file": ("wellbeing.zip", pack_zip(**{"labels.yaml": "anser_key: Sleutel\n"}))})
    assert broken.status_code == 422
    body = broken.json()
    assert "'anser_key'" in body["error"] and body["line"] == 1 and body["file"].endswith("labels.yaml")
