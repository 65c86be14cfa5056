"""The local web page and API: FastAPI, server-rendered Jinja2, htmx.

Every URL serves only what it was built for: files are looked up by the
product ids of the requester's own latest build, never by a path taken from
the request.
"""

from __future__ import annotations

import asyncio
import io
import secrets
import shutil
import time
import zipfile
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..build import Status
from ..build.records import output_file
from ..errors import KitError
from ..pack import load_pack
from ..paths import CONTENT, DEFAULT_PACK_ID
from ..products import default_ids, get
from . import forms
from .guard import BodyLimit, Guard
from .jobs import Builder, Job
from .lifecycle import Stopping, off_loop
from .loading import XLSX, load_for_request, products_made, result_error, workbook_bytes
from .previews import preview_path
from .screens import screen_response, shipped_screen
from .uploads import MAX_UPLOAD_BYTES
from .words import pick_language, words

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "kit_session"
# A page waiting for its job asks again at once; its request is answered when the job
# has news, or after JOB_WAIT_S with none.
JOB_WAIT_S = 10.0
CSP = ("default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def shipped_packs() -> dict[str, tuple[Path, str]]:
    """id -> (folder, title) of the packs in content/."""
    packs = {}
    for folder in sorted(CONTENT.iterdir()) if CONTENT.is_dir() else []:
        if (folder / "pack.yaml").is_file():
            try:
                pack = load_pack(folder).pack
            except KitError:
                continue  # a broken shipped pack is the command line's business
            packs[pack.id] = (folder, pack.title)
    return packs


async def _too_large(scope, send):
    headers = dict(scope.get("headers") or [])
    if b"hx-request" in headers:  # the page: said next to the upload field
        w = words(pick_language(headers.get(b"accept-language", b"").decode("latin-1")))
        body = templates.get_template("result.html.j2").render(
            w=w, url=str, problems={"pack": w["too_large"]}).encode()
        kind = b"text/html; charset=utf-8"
    else:
        body = b'{"error":"the upload is larger than 10 MB","file":null,"line":null}'
        kind = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(token: str | None = None, workers: int | None = None, host: str = "127.0.0.1") -> FastAPI:
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app):
        state["builder"] = app.state.builder = Builder(workers)
        state["packs"] = shipped_packs()
        state["makes"] = {i: products_made(folder) for i, (folder, _) in state["packs"].items()}
        state["workbooks"] = {}
        try:
            yield
        finally:
            state["builder"].close()  # the server is stopping: nothing else to answer

    app = FastAPI(
        title="findings-kit",
        summary="Build a kit of print-ready PDFs from a content pack.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own page loads its scripts from a CDN; ours is offline
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, limit=MAX_UPLOAD_BYTES, answer=_too_large)
    app.add_middleware(Guard, host=host, token=token)  # added last: runs first

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def url(path: str) -> str:
        return f"{path}?token={token}" if token else path

    def render(name: str, request: Request, **context) -> str:
        language = pick_language(request.headers.get("accept-language"))
        context.setdefault("w", words(language))
        return templates.get_template(name).render(url=url, language=language, **context)

    def page_context(request: Request) -> dict:
        language = pick_language(request.headers.get("accept-language"))
        return {"packs": state["packs"], "makes": state["makes"], "default_products": default_ids(),
                **forms.page_context(language, words(language))}

    def session_of(request: Request):
        return state["builder"].find_session(request.cookies.get(SESSION_COOKIE))

    def job_of(request: Request, job_id: str) -> Job | None:
        session = session_of(request)
        job = session.job if session else None
        return job if job is not None and secrets.compare_digest(job.id, job_id) else None

    not_found = Response("not found\n", status_code=404, media_type="text/plain")

    # -- the page ------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request):  # a session is made by the first build, not by a visit
        return HTMLResponse(render("index.html.j2", request, **page_context(request)))

    async def build_page(request: Request, **form):
        builder: Builder = state["builder"]
        language = pick_language(request.headers.get("accept-language"))
        w = words(language)
        session = builder.session(request.cookies.get(SESSION_COOKIE))
        asked = forms.read(form, w, page=True)
        problems, wanted, options = asked.problems, asked.products, asked.options
        pack, pack_file = form["pack"], form["pack_file"]
        upload = await pack_file.read() if pack_file is not None and pack_file.filename else None

        def respond(status_code=200, **extra):
            response = HTMLResponse(render("result.html.j2", request, problems=problems.fields, **extra),
                                    status_code=status_code)
            response.set_cookie(SESSION_COOKIE, session.id, httponly=True, samesite="strict")
            return response

        if not session.lock.acquire(blocking=False):
            problems.add("build", w["busy"])
            return respond()
        # The upload's folder is the request's; the session's folder is made by the build's first file.
        request_folder = builder.root / f"upload-{secrets.token_hex(8)}"
        try:
            pack_folder, loaded = await off_loop(builder.stopping, builder.parsers, load_for_request,
                                                 state["packs"], pack, upload, pack_file, request_folder, problems)
        except Stopping:
            pack_folder = None
            problems.add("build", w["stopping"])
            return respond(status_code=503)
        except BaseException:
            pack_folder = None
            raise
        finally:
            if pack_folder is None or problems:
                session.lock.release()
                shutil.rmtree(request_folder, ignore_errors=True)
        if problems:
            return respond()
        job = Job(secrets.token_urlsafe(12), wanted, session.folder / "out" / loaded.pack.id, loaded.pack.id,
                  options, pack_folder)
        job.out.mkdir(parents=True, exist_ok=True)
        builder.start(session, job, pack_folder, loaded, options, cleanup=request_folder if upload else None)
        if not upload:
            shutil.rmtree(request_folder, ignore_errors=True)
        return respond(job=job, **_job_context(job, language, w))

    app.post("/build", response_class=HTMLResponse, include_in_schema=False)(forms.takes_form(build_page, page=True))

    def _job_context(job: Job, language: str, w: dict) -> dict:
        return {
            "version": job.version,  # read before the rest: a change while the page is drawn is shown next
            "names": {p: get(p).name(language) for p in job.products},
            "howto": {p: get(p).how_to_print(job.options, language) for p in job.products},
            "errors": {p: result_error(r, job.source) for p, r in list(job.results.items()) if r.status.failed},
        }

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    async def job_page(request: Request, job_id: str, seen: int | None = None):
        """The job's part of the page. With `seen` (the version the page shows), the answer
        waits until there is something new to show, so the page shows it when it comes."""
        job = job_of(request, job_id)
        if job is None:
            return not_found
        builder: Builder = state["builder"]
        await builder.news.wait(lambda: seen == job.version and not builder.stopping.is_set(), JOB_WAIT_S)
        language = pick_language(request.headers.get("accept-language"))
        w = words(language)
        return HTMLResponse(render("job.html.j2", request, job=job, **_job_context(job, language, w)))

    @app.get("/jobs/{job_id}/files/{product}.pdf", include_in_schema=False)
    async def job_file(request: Request, job_id: str, product: str):
        job = job_of(request, job_id)
        if job is None or product not in job.finished:
            return not_found
        return FileResponse(job.out / f"{get(product).id}.pdf", media_type="application/pdf",
                            filename=f"{product}.pdf", content_disposition_type="attachment")

    @app.get("/jobs/{job_id}/screen", response_class=HTMLResponse, include_in_schema=False)
    async def job_screen(request: Request, job_id: str, download: str = ""):
        """The build's screen version: opened in the browser, or (?download=1) saved."""
        job = job_of(request, job_id)
        if job is None or "screen" not in job.finished:
            return not_found
        page = (job.out / "screen.html").read_text(encoding="utf-8")
        return screen_response(page, f"{job.pack_id}-screen.html" if download else None)

    @app.get("/screen/{pack_id}", response_class=HTMLResponse, include_in_schema=False)
    async def screen_page(pack_id: str):
        """A shipped pack's screen version, made on the first request."""
        packs = state["packs"]
        if pack_id not in packs:
            return not_found
        try:
            page = await asyncio.get_running_loop().run_in_executor(
                state["builder"].threads, shipped_screen, pack_id, packs[pack_id][0])
        except KitError as exc:
            return Response(exc.one_line() + "\n", status_code=422, media_type="text/plain")
        return screen_response(page)

    @app.get("/jobs/{job_id}/kit.zip", include_in_schema=False)
    async def job_zip(request: Request, job_id: str):
        job = job_of(request, job_id)
        if job is None or not job.done or not job.finished:
            return not_found
        data = await asyncio.get_running_loop().run_in_executor(None, _zip, job.out, job.finished)
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{job.pack_id}-kit.zip"'})

    @app.get("/jobs/{job_id}/pages/{product}/{size}/{page}.png", include_in_schema=False)
    async def job_page_png(request: Request, job_id: str, product: str, size: str, page: int):
        job = job_of(request, job_id)
        if job is None or size not in ("thumb", "large") or not 1 <= page <= job.previews.get(product, 0):
            return not_found
        path = preview_path(job.out / f"{get(product).id}.pdf", page, size)
        deadline = time.monotonic() + JOB_WAIT_S  # a large picture follows its thumbnail by a moment
        while not path.is_file() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if not path.is_file():
            return not_found
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/packs/{pack_id}.xlsx", include_in_schema=False)
    async def pack_workbook(pack_id: str):
        """A shipped pack as the command line's `export` writes it, to edit and upload back."""
        if pack_id not in state["packs"]:
            return not_found
        if pack_id not in state["workbooks"]:
            state["workbooks"][pack_id] = await asyncio.get_running_loop().run_in_executor(
                None, workbook_bytes, state["packs"][pack_id][0])
        return Response(state["workbooks"][pack_id], media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{pack_id}.xlsx"'})

    # -- the API ---------------------------------------------------------------
    @app.get("/healthz", summary="Health check", description="200 while the server is up, even during builds.")
    async def healthz():
        return {"status": "ok"}

    async def api_build(**form):
        builder: Builder = state["builder"]
        asked = forms.read(form, words("en"), page=False)
        problems, wanted, options = asked.problems, asked.products, asked.options
        pack, pack_file = form["pack"], form["pack_file"]
        upload = await pack_file.read() if pack_file is not None and pack_file.filename else None
        folder = builder.request_folder()
        try:
            if problems:
                return _error_json(next(iter(problems.fields.values())))
            data = await off_loop(builder.stopping, builder.threads, _api_build, builder, state["packs"], pack,
                                  upload, pack_file, folder, wanted, options)
        except Stopping:
            return JSONResponse({"error": "the server is stopping; the build was cancelled", "file": None,
                                 "line": None}, status_code=503)
        except KitError as exc:
            return _error_json(exc.detail, exc.file, exc.line)
        except _Internal as exc:
            return JSONResponse({"error": str(exc), "file": None, "line": None}, status_code=500)
        finally:
            await asyncio.get_running_loop().run_in_executor(None, shutil.rmtree, folder, True)
        data, skipped = data
        headers = {"Content-Disposition": 'attachment; filename="kit.zip"'}
        if skipped:  # a product the pack has nothing for (as the command line says "skipped")
            headers["X-Kit-Skipped"] = skipped.encode("ascii", "replace").decode()
        return Response(data, media_type="application/zip", headers=headers)

    app.post(
        "/api/build",
        summary="Build a kit",
        description="Builds the products of a shipped pack (`pack`) or an uploaded one (`pack_file`: a .zip "
        "of its YAML files or a .xlsx spreadsheet, at most 10 MB; it wins over `pack`) and returns a ZIP with "
        "`<product>.pdf` per product; a product the pack has nothing for is left out and named in the "
        "`X-Kit-Skipped` header. Bad input: 422 with `{\"error\", \"file\", \"line\"}`; an upload over 10 MB: 413.",
        response_class=Response,
        responses={
            200: {"content": {"application/zip": {}}, "description": "a ZIP of `<product>.pdf` files"},
            413: {"description": "upload larger than 10 MB"},
            422: {"description": "bad input: `{\"error\": ..., \"file\": ..., \"line\": ...}`"},
        },
    )(forms.takes_form(api_build, page=False))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request):
        return HTMLResponse(render("docs.html.j2", request, schema=app.openapi(), token_needed=bool(token)))

    return app


class _Internal(Exception):
    pass


def _error_json(message: str, file: str | None = None, line: int | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "file": file, "line": line}, status_code=422)


def _api_build(builder: Builder, packs, pack_id, upload, pack_file, folder: Path, products, options) -> bytes:
    problems = forms.Problems()
    if not pack_id and upload is None:
        pack_id = DEFAULT_PACK_ID if DEFAULT_PACK_ID in packs else next(iter(packs), "")
    # parsed by one of the builder's two parse threads, as the page's uploads are
    source, loaded = builder.parsers.submit(load_for_request, packs, pack_id, upload, pack_file,
                                            folder / "pack-upload", problems).result()
    if problems:
        problem = problems.fields["pack"]
        raise KitError(problem["message"], problem["file"], problem["line"])
    out = folder / "out"
    results = builder.run(source, loaded, out, products, options)
    for result in results:
        if result.status == Status.ERROR:
            problem = result_error(result, source)
            raise KitError(f"{result.product}: {problem['message']}", problem["file"], problem["line"])
        if result.status == Status.INTERNAL:
            raise _Internal(f"{result.product}: {result.message}")
    skipped = "; ".join(f"{r.product}: {r.message}" for r in results if r.status == Status.SKIPPED)
    return _zip(out, [r.product for r in results if r.status.written]), skipped


def _zip(out: Path, products: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for product in products:
            path = output_file(out, get(product).id)  # the file name is the registry's
            zf.write(path, f"{product}{path.suffix}")
    return buffer.getvalue()
