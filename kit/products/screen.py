"""Screen version: the pack as one self-contained `screen.html` for a
projector, a hybrid team day or a phone. Dialogue cards one at a time, the
sort exercise with the paper answer key's solution, the recommendations,
and where the words come from. Fonts, styles, scripts and the QR code are
inlined; a Content-Security-Policy allows only what is inlined, so the file
works from a USB stick with no network and asks nothing of one.

Pack text reaches the page as escaped HTML (Jinja autoescape) or inside a
JSON data block escaped against `</script>`; never as code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..codes import sort_codes
from ..context import Built, Context, Product
from ..errors import KitError
from ..html import render_template
from ..inline import content_security_policy, font_faces, json_block
from ..palette import pack_styles
from ..paths import KIT, LAYOUTS
from .dialogue_cards import source_line

LAYOUT = LAYOUTS / "screen"
SORTABLE = KIT / "vendor" / "sortable.min.js"
# Languages written right to left: the page turns round for them.
RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
QR_MM = 40.0  # what qr.check_scannable checks; on screen the code is drawn larger
# Labels the page's script shows itself (counts, marks, announcements).
SCRIPT_LABELS = ("screen_stack", "screen_stack_left", "screen_stack_empty", "screen_cards", "screen_right",
                 "screen_wrong", "screen_score", "screen_moved", "screen_target")


@dataclass(frozen=True)
class Screen:
    number: int
    id: str
    title: str


def screens(ctx: Context) -> list[Screen]:
    """The screens this pack has, numbered as the start screen shows them."""
    pack, labels = ctx.pack, ctx.labels
    wanted = [
        ("dialogue", labels["dialogue_deck"], bool(pack.dialogue)),
        ("sort", labels["screen_sort"], bool(pack.categories and pack.statements)),
        ("recommendations", labels["recommendations_title"], bool(pack.recommendations)),
        ("about", labels["screen_about"], True),
    ]
    shown = [(screen_id, title) for screen_id, title, present in wanted if present]
    return [Screen(number, screen_id, title) for number, (screen_id, title) in enumerate(shown, start=1)]


def is_rtl(language: str) -> bool:
    return language.split("-")[0].lower() in RTL_LANGUAGES


def storage_key(pack, answer: dict[str, str]) -> str:
    """Where the sort state is kept in the browser: a changed exercise starts afresh."""
    digest = hashlib.sha256(json.dumps([pack.id, sorted(answer.items())]).encode()).hexdigest()[:12]
    return f"findings-kit/screen/{pack.id}/{digest}"


def _provenance(pack) -> list[dict]:
    """Per source used: how many items of each section come from it."""
    sections = (("categories", "category"), ("statements", "sort_deck"), ("dialogue", "dialogue_deck"),
                ("recommendations", "recommendations_title"))
    rows = []
    for source in ("report", "summary", "adapted", "kit"):
        counts = [(label, sum(1 for item in getattr(pack, name) if item.source.value == source))
                  for name, label in sections]
        counts = [(label, n) for label, n in counts if n]
        if counts:
            rows.append({"source": source, "counts": counts})
    return rows


def _sort_data(ctx: Context) -> dict:
    pack = ctx.pack
    codes = sort_codes(pack)  # the codes of the paper cards and the answer key
    styles = pack_styles(pack, ctx.loaded.where)
    categories = [{"category": c, "style": styles[c.id], "index": i} for i, c in enumerate(pack.categories, start=1)]
    statements = [{"statement": s, "code": codes[s.id]} for s in sorted(pack.statements, key=lambda s: codes[s.id])]
    # the answer key's solution: each statement under the category the pack gives it
    answer = {s.id: s.category for s in pack.statements}
    return {"categories": categories, "statements": statements, "answer": answer}


def _style(ctx: Context, sort: dict) -> str:
    """The page's one stylesheet: fonts, category colours (from the palette,
    never from pack text) and layouts/screen/style.css."""
    labels_text = json.dumps(ctx.labels, ensure_ascii=False)
    pack_text = json.dumps(ctx.pack.model_dump(mode="json"), ensure_ascii=False)
    faces, families = font_faces(pack_text + labels_text + json.dumps(ctx.values, ensure_ascii=False))
    colours = "\n".join(
        f".cat-{c['index']} {{ --cat-bg: {c['style'].colour}; --cat-ink: {c['style'].ink}; }}"
        for c in sort["categories"]
    )
    css = (LAYOUT / "style.css").read_text(encoding="utf-8")
    return f"{faces}\n:root {{ --font: {families}, sans-serif; }}\n{colours}\n{css}"


def render(ctx: Context) -> str:
    pack, labels = ctx.pack, ctx.labels
    sort = _sort_data(ctx)
    style = _style(ctx, sort)
    data = {
        "storage": storage_key(pack, sort["answer"]),
        "categories": [c["category"].id for c in sort["categories"]],
        "answer": sort["answer"],
        "labels": {key: labels[key] for key in SCRIPT_LABELS},
    }
    app = (LAYOUT / "screen.js").read_text(encoding="utf-8")
    sortable = SORTABLE.read_text(encoding="utf-8")
    csp = content_security_policy([sortable, app], [style])
    dialogue = [
        {"item": item, "number": n, "source_line": source_line(item, labels), "text": pack.dialogue_text(item)}
        for n, item in enumerate(pack.dialogue, start=1)
    ]
    return render_template(
        "screen/page.html.j2",
        **ctx.template_context(),
        lang=pack.language,  # most words are the pack's: its language picks the voice of a screen reader
        dir="rtl" if is_rtl(pack.language) else "ltr",
        screens=screens(ctx),
        dialogue=dialogue,
        sort=sort,
        provenance=_provenance(pack),
        qr_svg=ctx.qr(QR_MM),
        # kit code and data, not pack text: inlined as they are
        style=Markup(style),
        sortable=Markup(sortable),
        app=Markup(app),
        csp=csp,
        data=Markup(json_block(data)),
    )


def promised(pack) -> list[tuple[str, str, str]]:
    """(item, what, text) of everything the page must show, as the PDFs' audit lists it."""
    items = [(s.id, "its text", s.text) for s in pack.statements]
    for c in pack.categories if pack.statements else ():
        items += [(c.id, "its label", c.label), (c.id, "its question word", c.question),
                  (c.id, "its definition", c.definition)]
    items += [(r.id, "its text", r.text) for r in pack.recommendations]
    for d in pack.dialogue:
        prompt = pack.dialogue_text(d)  # a case card without text of its own shows its case, as on paper
        items += [(d.id, what, text) for what, text in (("its text", prompt), ("its question", d.question)) if text]
    return items + [("title", "the title", pack.title), ("citation", "the citation", pack.citation.text)]


def audit(ctx: Context, page: str) -> None:
    """Every promised text is on the page, escaped once: a layout that drops
    or double-escapes an item stops the build naming it, as for the PDFs."""
    for ref, what, text in promised(ctx.pack):
        if str(escape(text)) not in page:
            where = ctx.loaded.where((ref,)) if ref in ("title", "citation") else ctx.loaded.where_item(ref)
            raise KitError(f"screen: {ref!r}: {what} is not on the page", where,
                           item=None if ref in ("title", "citation") else ref)


def build(ctx: Context) -> Built:
    page = render(ctx)
    audit(ctx, page)
    return Built(page, note=f"{len(screens(ctx)) + 1} screens, one file for any browser")


PRODUCT = Product(
    id="screen",
    kind="page",
    needs=(),
    build=build,  # audits its own page (the PDF audit reads laid-out boxes)
    promised=promised,
    order=80,
    default=False,  # not printed: asked for (--only screen, or ticked on the page)
    prints_values=("school", "team", "date"),
)
