"""The web page in a real Chromium, used as a facilitator would.

Debian's chromium driven by Playwright (which cannot download its own
browser here). Screenshots of every state go to $KIT_SCREENSHOTS, when it
names a folder, to be looked at.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ENGLISH_PACK
from pdfread import contains, text

BUILD_TIMEOUT_MS = 240_000


@pytest.fixture
def server(web_server):
    return web_server[0]


def new_page(browser, base, locale="en-GB", untick=True):
    """A first visit; with `untick`, the products ticked by default are unticked, so
    that each test ticks the ones it builds (the defaults: test_web_hardening.py)."""
    context = browser.new_context(locale=locale, accept_downloads=True, viewport={"width": 1100, "height": 900})
    outside = []
    context.route(lambda url: not url.startswith(base), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.outside_requests = outside
    page.goto(base)
    if untick:
        page.evaluate("""() => document.querySelectorAll('input[name="products"]').forEach(b => { b.checked = false; })""")
    return page


def zip_of(download, folder: Path) -> dict[str, Path]:
    data = Path(download.path()).read_bytes()
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            out[name] = folder / name
            out[name].write_bytes(zf.read(name))
    return out


def first_preview(page, product: str):
    thumb = page.locator(f"#result-{product} .thumbs img").first
    thumb.wait_for(state="visible", timeout=BUILD_TIMEOUT_MS)
    return thumb


def upload_pack(page, name: str, **replaced: str) -> None:
    """Choose a .zip of the English pack, with some of its files replaced, in the upload field."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for file, data in {**ENGLISH_PACK, **replaced}.items():
            zf.writestr(file, data)
    page.get_by_label("Or upload your own pack").set_input_files(
        files=[{"name": name, "mimeType": "application/zip", "buffer": archive.getvalue()}])


def test_build_preview_download_and_rebuild(browser, server, shots, tmp_path):
    page = new_page(browser, server)
    shots(page, "01-empty.png", full_page=True)
    page.get_by_label("Content pack").select_option("collectief-leren")
    page.get_by_label("Poster", exact=True).check()
    page.get_by_label("Sort cards").check()
    page.get_by_label("School").fill("De Linde")
    page.get_by_label("Date").fill("2026-12-04")  # a date input: picked, sent as ISO
    shots(page, "02-filled.png", full_page=True)
    page.get_by_role("button", name="Build").click()
    page.locator("#job").wait_for(timeout=30_000)
    shots(page, "03-building.png", full_page=True)
    first_preview(page, "poster")
    download_all = page.get_by_role("link", name="Download all")
    download_all.wait_for(timeout=BUILD_TIMEOUT_MS)
    shots(page, "04-ready.png", full_page=True)
    assert "page" in page.locator("#result-poster .state").inner_text()
    assert "100 %" in page.locator("#result-sort-cards .howto").inner_text()

    with page.expect_download() as info:
        download_all.click()
    pdfs = zip_of(info.value, tmp_path)
    assert sorted(pdfs) == ["poster.pdf", "sort-cards.pdf"]
    assert contains(text(pdfs["poster.pdf"]), "De Linde")
    assert contains(text(pdfs["poster.pdf"]), "4 december 2026")  # the Dutch pack's way of writing it (CLDR)

    with page.expect_popup() as popup:
        page.locator("#result-poster .thumbs a").first.click()
    large = popup.value
    large.wait_for_load_state()
    width = large.evaluate("document.images[0].naturalWidth")
    assert width > 1000  # A3 at 110 dpi, larger than the 180 px thumbnail
    shots(large, "05-large-page.png")
    large.close()

    # A new school name: the poster is built again, the sort cards are not.
    old_src = first_preview(page, "poster").get_attribute("src")
    page.get_by_label("School").fill("Het Anker")
    started = time.perf_counter()
    page.get_by_role("button", name="Build").click()
    page.wait_for_function(
        "old => { const img = document.querySelector('#result-poster .thumbs img');"
        " return img && img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0; }",
        arg=old_src, timeout=BUILD_TIMEOUT_MS)
    seconds = time.perf_counter() - started
    print(f"\nrebuild after a new school name: first new preview after {seconds:.1f} s")
    shots.note("rebuild-seconds.txt", f"{seconds:.2f}\n")
    page.get_by_role("link", name="Download all").wait_for(timeout=BUILD_TIMEOUT_MS)
    shots(page, "06-rebuilt.png", full_page=True)
    assert "unchanged" in page.locator("#result-sort-cards .state").inner_text()
    assert "unchanged" not in page.locator("#result-poster .state").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download poster (PDF)").click()
    poster = Path(info.value.path())
    assert contains(text(poster), "Het Anker") and not contains(text(poster), "De Linde")
    assert page.outside_requests == []


def test_a_broken_upload_shows_its_file_and_line(browser, server, shots, tmp_path):
    page = new_page(browser, server)
    broken = ENGLISH_PACK["statements.yaml"].replace("  category: drivers\n", "  category: [drivers\n", 1)
    upload_pack(page, "my-pack.zip", **{"statements.yaml": broken})
    page.get_by_label("Sort cards").check()
    page.get_by_role("button", name="Build").click()
    error = page.locator("#err-pack")
    error.get_by_text("statements.yaml, line 3").wait_for(timeout=30_000)
    assert "invalid YAML" in error.inner_text()
    assert page.locator("#pack_file").get_attribute("aria-describedby").endswith("err-pack")
    shots(page, "07-upload-error.png", full_page=True)


def test_nothing_ticked_is_said_next_to_the_products(browser, server, shots):
    page = new_page(browser, server)
    page.get_by_role("button", name="Build").click()
    page.locator("#err-products").get_by_text("Tick at least one product").wait_for(timeout=30_000)
    shots(page, "08-no-products.png", full_page=True)


def test_pack_text_is_escaped_on_the_page(browser, server, shots):
    page = new_page(browser, server)
    alerts = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    hostile = "<img src=x onerror=alert(1)>"
    statements = ENGLISH_PACK["statements.yaml"].replace("  source: report", f"  source: report\n  '{hostile}': 1", 1)
    upload_pack(page, "pack.zip", **{"statements.yaml": statements})
    upload = page.get_by_label("Or upload your own pack")
    page.get_by_label("Worksheet").check()
    page.get_by_role("button", name="Build").click()
    error = page.locator("#err-pack")
    error.get_by_text("unknown field").wait_for(timeout=30_000)
    assert hostile in error.inner_text()
    shots(page, "14-escaped-error.png", full_page=True)

    upload.set_input_files(files=[{"name": f"{hostile}.zip", "mimeType": "application/zip", "buffer": b"no zip"}])
    page.get_by_role("button", name="Build").click()
    error.get_by_text("not a readable zip").wait_for(timeout=30_000)
    assert hostile in error.inner_text()
    assert page.locator("main img").count() == 0
    assert alerts == []


def test_the_page_works_by_keyboard_alone(browser, server, shots, tmp_path):
    page = new_page(browser, server)

    def tab_to(element_id: str, limit: int = 40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("product-poster")
    page.keyboard.press("Space")
    tab_to("school")
    page.keyboard.type("Keyboard School")
    shots(page, "09-keyboard-focus.png", full_page=True)
    tab_to("build")
    shots(page, "10-keyboard-build-focus.png")
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Download all")
    link.wait_for(timeout=BUILD_TIMEOUT_MS)
    for _ in range(60):
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == "Download all":
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached Download all")
    shots(page, "11-keyboard-download-focus.png", full_page=True)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    pdfs = zip_of(info.value, tmp_path)
    assert contains(text(pdfs["poster.pdf"]), "Keyboard School")


def test_dutch_browsers_get_dutch_words(browser, server, shots):
    page = new_page(browser, server, locale="nl-NL")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Poster", exact=True).check()
    page.get_by_label("School").fill("De Linde")
    shots(page, "12-dutch.png", full_page=True)
    page.get_by_role("button", name="Maken").click()
    page.get_by_role("link", name="Alles downloaden").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert "Zo print je het" in page.locator("#result-poster").inner_text()
    shots(page, "13-dutch-ready.png", full_page=True)


def test_every_control_has_a_visible_label(browser, server):
    page = new_page(browser, server)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter(el => el.tagName === 'BUTTON' ? !el.textContent.trim()
                    : !(el.labels && [...el.labels].some(l => l.offsetParent !== null && l.textContent.trim())))
        .map(el => el.id || el.name)""")
    assert unlabelled == []


def test_a_product_that_does_not_fit_names_the_item_and_the_rest_downloads(browser, server, shots):
    page = new_page(browser, server)
    long = ENGLISH_PACK["statements.yaml"].replace(
        "text: Pupils notice calmer classrooms.", "text: " + "Pupils notice much calmer classrooms. " * 30, 1)  # within the field's cap, too long for a card
    upload_pack(page, "pack.zip", **{"statements.yaml": long})
    page.get_by_label("Sort cards").check()
    page.get_by_label("Answer key").check()
    page.get_by_role("button", name="Build").click()
    page.locator('#job[aria-busy="false"]').wait_for(timeout=BUILD_TIMEOUT_MS)
    failed = page.locator("#result-sort-cards")
    assert "error" in failed.locator(".state").inner_text()
    message = failed.locator(".field-error").inner_text()
    assert message.startswith("statements.yaml, line 25: ") and "'st-07'" in message and "does not fit" in message, message
    assert page.get_by_role("link", name="Download Answer key (PDF)").is_visible()
    shots(page, "15-product-error.png", full_page=True)


def test_the_api_docs_page_works_offline(browser, server, shots):
    page = new_page(browser, server)
    page.goto(f"{server}/docs")
    assert page.get_by_role("heading", name="POST /api/build").is_visible()
    shots(page, "16-api-docs.png", full_page=True)
    assert page.outside_requests == []


def test_an_upload_over_10_mb_is_refused_next_to_the_field(browser, server, shots, tmp_path):
    page = new_page(browser, server)
    huge = tmp_path / "huge.zip"  # a file on disk, as a user picks it (a buffer crosses to the browser in 4 s)
    huge.write_bytes(b"0" * (10 * 1024 * 1024 + 10))
    page.get_by_label("Or upload your own pack").set_input_files(huge)
    page.get_by_label("Poster", exact=True).check()
    page.get_by_role("button", name="Build").click()
    page.locator("#err-pack").get_by_text("larger than 10 MB").wait_for(timeout=30_000)
    shots(page, "17-too-large.png", full_page=True)
