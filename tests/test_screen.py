"""The screen version (screen.html) in a real Chromium, used as a facilitator
would: from a file with no network, dialogue cards drawn and turned over,
the sort exercise by mouse and keyboard and checked against the answer key,
its state kept over a reload, and pack text that stays text.

Debian's chromium driven by Playwright. Screenshots of every screen at
1280 x 720 and 390 x 844 go to $KIT_SCREENSHOTS, when it names a folder.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from conftest import DEFAULT_PACK, ENGLISH_PACK, cli, expected_codes, write_pack
from web_server import finished_job

from kit.pack import load_pack

HOSTILE = "<script>window.pwned = 1</script></script><img src=x onerror=window.pwned=2> & \"quoted\""


def _screen(pack: Path, out: Path, *args: str) -> Path:
    result = cli("--content", str(pack), "--out", str(out), "--only", "screen", *args)
    assert result.returncode == 0, result.stderr
    pack_id = load_pack(pack).pack.id
    target = out / pack_id / "screen.html"
    assert f"{target}:" in result.stdout and "screens" in result.stdout
    return target


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> tuple[Path, Path]:
    """The English test pack, with a statement holding markup, built as screen.html."""
    files = dict(ENGLISH_PACK)
    files["statements.yaml"] += f"- id: st-hostile\n  category: risks\n  text: '{HOSTILE}'\n  source: kit\n"
    pack = write_pack(tmp_path_factory.mktemp("packs") / "staff-wellbeing", files)
    out = tmp_path_factory.mktemp("screen")
    return pack, _screen(pack, out, "--set", "school=De Linde", "--set", "team=Team B", "--set", "date=2026-12-04")


@pytest.fixture(scope="module")
def answer(english) -> dict[str, tuple[str, str]]:
    """Code -> (statement id, category) as the paper answer key lists it."""
    pack = load_pack(english[0]).pack
    codes = expected_codes(pack)
    return {codes[s.id]: (s.id, s.category) for s in pack.statements}


def open_file(browser, html: Path, width=1280, height=720, context=None):
    """The file as file://, every request but the file itself aborted and recorded."""
    context = context or browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.requests = []
    page.problems = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: message.type in ("error", "warning") and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    context.route(lambda url: url != html.as_uri() and not url.startswith(html.as_uri() + "#"),
                  lambda route: route.abort())
    page.goto(html.as_uri())
    return page


def top_card(page):
    return page.locator("#stack .scard").first


def drag(page, source, target):
    """A mouse drag as a hand makes it: press, move a little, pause (the drag
    starts on the next frame), move in steps onto the column, release."""
    target.scroll_into_view_if_needed()
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 10, steps=3)
    page.wait_for_timeout(100)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + min(goal["height"] / 2, 40), steps=12)
    page.wait_for_timeout(100)
    page.mouse.up()


def placed(page) -> dict[str, str]:
    """Code -> the category of the column it lies in ('' for the stack)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.scard')].map(
            c => [c.dataset.code, c.parentElement.dataset.category]))"""
    )


def marks(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.scard.right, .scard.wrong')].map(
            c => [c.dataset.code, c.classList.contains('right') ? 'right' : 'wrong']))"""
    )


# ---- the file itself


def test_the_file_is_self_contained_with_a_policy_allowing_only_what_it_inlines(english):
    html = english[1].read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert policy, "no Content-Security-Policy meta tag"
    rules = dict(rule.strip().split(" ", 1) for rule in unescape(policy.group(1)).split(";"))
    assert rules["default-src"] == "'none'" and rules["connect-src"] == "'none'"

    def hashes(sources):
        return {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in sources}

    scripts = re.findall(r"<script(?: type=\"module\")?>(.*?)</script>", html, flags=re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert len(scripts) == 2 and len(styles) == 1
    assert set(rules["script-src"].split()) == hashes(scripts)
    assert set(rules["style-src"].split()) == hashes(styles)
    assert rules["font-src"] == "data:" and "@font-face" in styles[0]
    # nothing is fetched: no external script, stylesheet, image or font
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", html)
    assert not re.search(r"url\((?!\"data:)", styles[0])
    assert "style=" not in html.split("<body>")[1]  # the policy would block it


def test_a_statement_holding_markup_is_escaped_in_the_file(english):
    html = english[1].read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;&lt;/script&gt;&lt;img" in html
    assert "<script>window.pwned" not in html and "<img src=x" not in html


def test_shipped_packs_build_in_their_language_with_the_set_values(tmp_path):
    teamleren = DEFAULT_PACK.parent / "teamleren"
    for pack in (DEFAULT_PACK, teamleren):
        html = _screen(pack, tmp_path, "--set", "school=De Linde").read_text(encoding="utf-8")
        assert '<html lang="nl" dir="ltr">' in html
        assert "Sorteeroefening" in html or load_pack(pack).pack.statements == []
        assert "De Linde" in html


def test_a_right_to_left_pack_turns_the_page_round(tmp_path):
    files = dict(ENGLISH_PACK)
    files["pack.yaml"] = files["pack.yaml"].replace("language: en", "language: he").replace(
        "title: Staff wellbeing in small schools", "title: רווחה של צוות בבתי ספר קטנים")
    html = _screen(write_pack(tmp_path / "he", files), tmp_path / "out").read_text(encoding="utf-8")
    assert '<html lang="he" dir="rtl">' in html
    assert '"Kit Hebrew"' in html  # the Hebrew font is inlined, cut down to what the page shows


def test_an_unchanged_screen_is_not_written_again(english, tmp_path):
    pack = english[0]
    first = _screen(pack, tmp_path)
    result = cli("--content", str(pack), "--out", str(tmp_path), "--only", "screen")
    assert result.returncode == 0 and "(unchanged)" in result.stdout
    result = cli("--content", str(pack), "--out", str(tmp_path), "--only", "screen", "--set", "school=Oak")
    assert "(unchanged)" not in result.stdout and "Oak" in first.read_text(encoding="utf-8")


# ---- in the browser


def test_offline_from_a_file_it_asks_for_nothing_and_shows_every_screen(browser, english, shots):
    html = english[1]
    for width, height in ((1280, 720), (390, 844)):
        page = open_file(browser, html, width, height)
        event = page.locator("#event").inner_text()  # the --set values, the date as the language writes it
        assert event.startswith("De Linde · Team B · ") and "December" in event and "2026-12-04" not in event
        numbers = page.locator(".tile .num").all_inner_texts()
        assert numbers == ["1", "2", "3", "4"]
        shots(page, f"screen-{width}-0-start.png")
        for number in numbers:
            page.keyboard.press("Escape")
            page.keyboard.press(number)  # reached by its number from the start screen
            shown = page.locator(".screen:not([hidden])")
            assert shown.get_attribute("data-screen") == number
            if number == "4":
                assert page.locator(".about .qr").is_visible()
                assert "written for this kit" in shown.inner_text()  # where the words come from
            # usable at this width: nothing runs off the side of the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shots(page, f"screen-{width}-{number}.png")
        page.keyboard.press("Escape")
        page.keyboard.press("ArrowRight")  # the arrow keys go on from screen to screen
        assert page.locator(".screen:not([hidden])").get_attribute("data-screen") == "1"
        assert page.requests == [html.as_uri()], page.requests
        assert not page.problems, page.problems  # no script error, no blocked inline code
        page.context.close()


def test_three_dialogue_cards_drawn_and_a_question_revealed(browser, english):
    pack = load_pack(english[0]).pack
    page = open_file(browser, english[1])
    page.locator(".tile-dialogue").click()
    seen = []
    for _ in range(3):
        before = page.locator(".dcard:not([hidden])").get_attribute("data-id")
        page.get_by_role("button", name="Draw a card").click()
        card = page.locator(".dcard:not([hidden])")
        assert card.count() == 1 and card.get_attribute("data-id") != before
        seen.append(card.get_attribute("data-id"))
    item = next(d for d in pack.dialogue if d.id == seen[-1])
    number = [d.id for d in pack.dialogue].index(item.id) + 1
    assert f"{number} / {len(pack.dialogue)}" in card.locator(".band").inner_text()
    question = card.locator(".q")
    assert not question.is_visible()  # face down, as a dealt card
    page.keyboard.press("Space")
    assert question.is_visible() and question.inner_text() == item.question
    page.keyboard.press("ArrowRight")  # the next card comes face down
    assert page.locator(".dcard:not([hidden]) .q").is_hidden()
    page.locator(".dcard:not([hidden])").click()
    assert page.locator(".dcard:not([hidden]) .q").is_visible()
    page.context.close()


def test_sorting_by_mouse_and_keyboard_checked_against_the_answer_key_and_kept(browser, english, answer, shots):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = open_file(browser, english[1], context=context)
    page.keyboard.press("2")
    assert page.locator(".stack .scard").count() == len(answer)
    categories = ("drivers", "conditions", "outcomes", "risks")
    columns = {c: page.locator(f'.column[data-category="{c}"] ul') for c in categories}
    wrong_of = {"drivers": "outcomes", "conditions": "drivers", "outcomes": "risks", "risks": "conditions"}
    expected = {}
    for index in range(3):  # two in their own column, one in another
        code = top_card(page).get_attribute("data-code")
        category = answer[code][1]
        goal = category if index != 1 else wrong_of[category]
        drag(page, top_card(page), columns[goal])
        assert placed(page)[code] == goal, f"card {code} was not dropped in {goal}"
        expected[code] = "right" if goal == category else "wrong"
    page.get_by_role("button", name="Check").click()
    assert marks(page) == expected
    assert "2 of 3 placed cards are right" in page.locator("#score").inner_text()
    # one card by keyboard alone: focus it, press its column's number
    top_card(page).focus()
    code = page.evaluate("document.activeElement.dataset.code")
    target = list(categories).index(answer[code][1]) + 1
    page.keyboard.press(str(target))
    assert placed(page)[code] == answer[code][1]
    # and one with the arrow keys and Enter, the focus having moved to the next card of the stack
    code = page.evaluate("document.activeElement.dataset.code")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert placed(page)[code] == "drivers"
    assert page.locator('[data-count="drivers"]').inner_text().startswith(
        str(sum(1 for c in placed(page).values() if c == "drivers")))
    page.get_by_role("button", name="Check").click()
    state, checked = placed(page), marks(page)
    shots(page, "screen-sort-checked.png")
    page.reload()
    assert placed(page) == state and marks(page) == checked  # kept over a reload
    page.get_by_role("button", name="Show solution").click()
    assert placed(page) == {code: category for code, (_, category) in answer.items()}
    assert set(marks(page).values()) == {"right"}
    shots(page, "screen-sort-solution.png")
    page.get_by_role("button", name="Start again").click()
    page.reload()
    assert set(placed(page).values()) == {""} and not marks(page)  # cleared
    assert not page.problems, page.problems
    context.close()


def test_a_statement_holding_a_script_prints_as_text(browser, english, answer):
    page = open_file(browser, english[1])
    page.keyboard.press("2")
    page.get_by_role("button", name="Show solution").click()
    texts = page.locator(".scard .stext").all_inner_texts()
    assert HOSTILE in texts
    assert page.evaluate("window.pwned") is None
    assert page.locator(".scard img").count() == 0
    page.context.close()


def test_high_contrast_is_one_press_and_remembered(browser, english):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = open_file(browser, english[1], context=context)
    page.get_by_role("button", name="High contrast").click()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.reload()
    assert page.get_by_role("button", name="High contrast").get_attribute("aria-pressed") == "true"
    context.close()


# ---- served by the web page


@pytest.fixture
def server(web_server):
    return web_server[0]


def test_the_server_serves_a_shipped_packs_screen_with_strict_headers(server):
    import httpx

    response = httpx.get(f"{server}/screen/teamleren", timeout=120)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', response.text)[1])
    assert response.headers["content-security-policy"] == f"{policy}; frame-ancestors 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "Teamleren" in response.text
    assert httpx.get(f"{server}/screen/no-such-pack").status_code == 404
    assert httpx.get(f"{server}/screen/..%2F..%2Fetc").status_code == 404


def test_the_page_builds_the_screen_version_and_links_to_it(server):
    import httpx

    with httpx.Client(base_url=server, timeout=300) as client:
        client.get("/")
        assert 'value="screen"' in client.get("/").text  # its checkbox
        job_id, page = finished_job(client, {"pack": "collectief-leren", "products": ["screen", "poster"],
                                             "school": "De Linde"})
        assert f'href="/jobs/{job_id}/screen"' in page and "Open the screen version" in page
        assert f"/jobs/{job_id}/files/poster.pdf" in page  # next to the PDFs
        opened = client.get(f"/jobs/{job_id}/screen")
        assert opened.status_code == 200 and "De Linde" in opened.text
        assert "frame-ancestors 'none'" in opened.headers["content-security-policy"]
        assert "content-disposition" not in opened.headers
        saved = client.get(f"/jobs/{job_id}/screen?download=1")
        assert saved.headers["content-disposition"] == 'attachment; filename="collectief-leren-screen.html"'
        with zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job_id}/kit.zip").content)) as zf:
            assert sorted(zf.namelist()) == ["poster.pdf", "screen.html"]
            assert zf.read("screen.html") == saved.content
    assert httpx.get(f"{server}/jobs/{job_id}/screen").status_code == 404  # another browser


def test_the_served_screen_works_under_its_headers(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    problems, outside = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: outside.append(request.url) if "/screen/" not in request.url else None)
    page.goto(f"{server}/screen/collectief-leren")
    page.keyboard.press("2")
    page.get_by_role("button", name="Toon de oplossing").click()
    assert page.locator(".stack .scard").count() == 0 and page.locator(".scard.right").count() > 0
    assert not problems and not outside, (problems, outside)
    context.close()


def test_a_finger_drags_a_card_into_a_column_and_swipes_to_the_next_card_on_a_phone(browser, english, answer):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = open_file(browser, english[1], context=context)
    page.keyboard.press("2")
    card = top_card(page)
    code = card.get_attribute("data-code")
    column = page.locator(f'.column[data-category="{answer[code][1]}"] ul')
    column.scroll_into_view_if_needed()
    start, goal = card.bounding_box(), column.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x, to_y = goal["x"] + goal["width"] / 2, goal["y"] + min(goal["height"] / 2, 40)
    swipe(context, page, (x, y), (to_x, to_y))
    assert placed(page)[code] == answer[code][1]
    # and a swipe to the left turns to the next dialogue card
    page.keyboard.press("1")
    box = page.locator(".dcard:not([hidden])").bounding_box()
    middle = box["y"] + box["height"] / 2
    swipe(context, page, (box["x"] + box["width"] - 30, middle), (box["x"] + 30, middle))
    assert page.locator(".dcard:not([hidden])").get_attribute("data-index") == "1"
    context.close()


def swipe(context, page, start, end, steps=15):
    """A finger on the glass: Playwright has no touch move of its own, the browser's input has."""
    touch = context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for step in range(1, steps + 1):
        point = {"x": start[0] + (end[0] - start[0]) * step / steps, "y": start[1] + (end[1] - start[1]) * step / steps}
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(30)
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_layout_that_drops_an_item_stops_the_build_naming_it(english, monkeypatch):
    from kit.context import Context, Options
    from kit.errors import KitError
    from kit.products import screen

    loaded = load_pack(english[0])
    page = screen.render(Context(loaded, Options()))
    screen.audit(Context(loaded, Options()), page)  # the real page keeps every promise
    statement = loaded.pack.statements[2]
    monkeypatch.setattr(screen, "render", lambda ctx: page.replace(f">{statement.text}<", "><"))
    with pytest.raises(KitError) as error:
        screen.build(Context(loaded, Options()))
    assert statement.id in str(error.value) and error.value.file.endswith("statements.yaml") and error.value.line


def test_the_data_block_cannot_be_closed_by_its_text():
    import json

    from kit.inline import json_block

    text = "</script><script>alert(1)</script><!-- & \u2028"
    block = json_block({"label": text})
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block) == {"label": text}


@pytest.mark.parametrize("pack_id", ["collectief-leren", "teamleren"])
def test_the_shipped_packs_fit_a_phone_and_a_projector(browser, pack_id, tmp_path, shots):
    html = _screen(DEFAULT_PACK.parent / pack_id, tmp_path)
    for width, height in ((1280, 720), (390, 844)):
        page = open_file(browser, html, width, height)
        for number in page.locator(".tile .num").all_inner_texts():
            page.keyboard.press(number)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (pack_id, width, number)
            shots(page, f"{pack_id}-{width}-{number}.png")
        assert page.requests == [html.as_uri()] and not page.problems, (page.requests, page.problems)
        page.context.close()
