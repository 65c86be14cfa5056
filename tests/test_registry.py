"""A product is one module and one layout folder; an option is one entry of
the schema. A product made here, outside the kit, and registered as a
plugin is (an entry point, the way a real one is) is audited, named on the
page and in the guide, and built, with no other edit; the command line,
the page and the API offer and check exactly what the option schema says."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import ENGLISH_PACK, ROOT, write_pack
from pypdf import PdfReader

from kit import options as schema
from kit import products
from kit.build import build_kit
from kit.cli import _parser, main
from kit.context import Options

MODULE = '''
from pathlib import Path

from kit import promises
from kit.context import Built, Context, Product
from kit.documents import build_document


def build(ctx: Context) -> Built:
    return build_document(ctx, "handout", "Handout", ctx.options.paper, statements=ctx.pack.statements)


PRODUCT = Product(
    id="handout",
    kind="document",
    needs=("statements",),
    build=build,
    promised=promises.statements,
    order=55,
    prints_values=("drop",),
    layout_root=Path(__file__).parent / "layouts",
)
'''
# `--set drop=qr` or `--set drop=<statement id>` leaves that out: what the audit must notice.
TEMPLATE = '''{% extends "common/document.html.j2" %}
{% block body %}
<h1 class="handout-title">{{ title }}</h1>
{% for s in statements if values.get('drop') != s.id %}<p>{{ s.text }}</p>{% endfor %}
{% if values.get('drop') != 'qr' %}<div>{{ qr(25) }}</div>{% endif %}
{% endblock %}
'''
WORDS = '''
en:
  name: Handout of the statements
  print_item: "Handout ({paper}): one per participant, to take home."
nl:
  name: Hand-out met de uitspraken
  print_item: "Hand-out ({paper}): één per deelnemer, om mee te nemen."
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """The product 'handout': its module, its layout folder and its entry point, in a folder on the path."""
    site = tmp_path / "site"
    (site / "layouts" / "handout").mkdir(parents=True)
    (site / "kit_handout.py").write_text(MODULE, encoding="utf-8")
    (site / "layouts" / "handout" / "page.html.j2").write_text(TEMPLATE, encoding="utf-8")
    (site / "layouts" / "handout" / "style.css").write_text(".handout-title { color: #2f4b7c; }\n", encoding="utf-8")
    (site / "layouts" / "handout" / "product.yaml").write_text(WORDS, encoding="utf-8")
    info = site / "kit_handout-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kit-handout\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{products.ENTRY_POINTS}]\nhandout = kit_handout\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))  # spawned workers get the parent's sys.path
    products.rescan()
    yield site
    monkeypatch.undo()
    products.rescan()


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))


def test_a_new_product_is_listed_and_built_by_default(plugin):
    assert "handout" in products.ids() and "handout" in products.default_ids()
    ids = products.ids()
    assert ids.index("answer-key") < ids.index("handout") < ids.index("guide")  # its order: 55
    assert "handout" in _parser().format_help()  # --only names it


def test_a_new_product_is_built_in_workers_and_named_in_the_guide(plugin, tmp_path):
    pack = write_pack(tmp_path / "pack", ENGLISH_PACK)
    out = tmp_path / "out"
    results = build_kit(pack, out, ["handout", "guide"], Options(), jobs=2, force=True)  # two spawned workers
    assert [(r.product, r.status) for r in results] == [("handout", "built"), ("guide", "built")], results
    handout = _text(out / "handout.pdf")
    promised = products.get("handout").promised(_pack(pack))
    assert len(promised) == len(_pack(pack).statements)
    for _, _, text in promised:
        assert " ".join(text.split()[:3]) in handout
    guide = _text(out / "guide.pdf")
    assert "Handout (A4): one per participant, to take home." in guide


def _pack(folder: Path):
    from kit.pack import load_pack

    return load_pack(folder).pack


@pytest.mark.parametrize("drop, message", [("qr", "the QR code to the report is missing"),
                                           ("s01", "its text is missing")])
def test_a_new_product_is_audited(plugin, tmp_path, drop, message):
    pack = write_pack(tmp_path / "pack", ENGLISH_PACK)
    statement = _pack(pack).statements[0].id
    drop = statement if drop == "s01" else drop
    out = tmp_path / "out"
    [result] = build_kit(pack, out, ["handout"], Options(values=(("drop", drop),)), jobs=1, force=True)
    assert result.status == "error", result
    assert message in result.message and "(in the handout)" in result.message
    assert not (out / "handout.pdf").exists()  # refused: no PDF


def test_a_new_product_is_on_the_page_and_built_by_the_api(plugin):
    from fastapi.testclient import TestClient

    from kit.web.app import create_app

    with TestClient(create_app(workers=1), base_url="http://127.0.0.1") as client:  # a host the server accepts
        page = client.get("/", headers={"accept-language": "nl"}).text
        assert 'value="handout"' in page and "Hand-out met de uitspraken" in page
        answer = client.post("/api/build", data={"pack": "collectief-leren", "products": "handout"})
        assert answer.status_code == 200, answer.text
        assert zipfile.ZipFile(io.BytesIO(answer.content)).namelist() == ["handout.pdf"]
        answer = client.post("/api/build", data={"pack": "collectief-leren", "products": "handout",
                                                 "set": "drop=qr"})
        assert answer.status_code == 422 and "QR code" in answer.json()["error"]


def test_the_builtin_products_are_one_module_and_one_folder_each():
    modules = sorted(p.stem for p in (ROOT / "kit" / "products").glob("*.py") if p.stem != "__init__")
    assert sorted(p.id.replace("-", "_") for p in products.all_products()) == modules
    for product in products.all_products():
        template = "cards.html.j2" if product.kind == "cards" else "page.html.j2"
        assert (product.layouts / template).is_file(), product.id
        for language in ("en", "nl"):  # the page's languages
            assert product.words(language).get("name"), (product.id, language)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z-]+)` \|", readme, re.M)
    assert table == products.ids(), "the README's product table lists the products in their order"


# -- the option schema --------------------------------------------------------


def _cli_actions() -> dict:
    return {a.dest: a for a in _parser()._actions}


def test_the_command_line_offers_what_the_schema_says():
    actions = _cli_actions()
    for option in schema.OPTIONS:
        action = actions[option.name]
        assert option.flag in action.option_strings
        if option.kind == "choice":
            assert tuple(action.choices) == option.offered()
        assert option.help in action.help


def test_the_page_offers_what_the_schema_says():
    from kit.web.forms import page_context
    from kit.web.words import words

    fields = {f["name"]: f for f in page_context("en", words("en"))["option_fields"]}
    assert list(fields) == [o.name for o in schema.OPTIONS if o.label]
    for name, f in fields.items():
        option = schema.BY_NAME[name]
        offered = [value for value, _ in f["choices"] if value]
        assert offered == list(option.offered()), name


def test_the_api_takes_and_describes_what_the_schema_says():
    from kit.web.app import create_app

    openapi = create_app().openapi()
    [body] = [s for n, s in openapi["components"]["schemas"].items() if "api_build" in n]
    for option in schema.OPTIONS:
        assert (option.name in body["properties"]) == option.api, option.name
        if option.api and option.kind == "choice":
            assert ", ".join(option.offered()) in body["properties"][option.name]["description"]


LONG = "x" * (schema.VALUE_CHARS + 1)


@pytest.mark.parametrize("form, page, needle", [
    ({"duplex": "sideways"}, False, "duplex"),
    ({"bleed": "11"}, False, "bleed must be between 0 and 10 mm"),
    ({"bleed": "-1"}, True, "bleed must be between 0 and 10 mm"),
    ({"set": [f"school={LONG}"]}, False, f"at most {schema.VALUE_CHARS}"),
    ({"school": LONG}, True, f"at most {schema.VALUE_CHARS}"),
    ({"other_values": f"team={LONG}"}, True, f"at most {schema.VALUE_CHARS}"),
    ({"card_size": "huge"}, False, "card size"),
    ({"lang": "xx"}, False, "no labels for language"),
])
def test_the_page_and_the_api_refuse_what_the_command_line_refuses(form, page, needle):
    from kit.web.forms import read
    from kit.web.words import words

    asked = read({"products": ["poster"] if page else "poster", **form}, words("en"), page=page)
    assert asked.problems, form
    assert any(needle in str(message) for message in asked.problems.fields.values()), asked.problems.fields


@pytest.mark.parametrize("argv, needle", [
    (["--bleed", "11"], "--bleed must be between 0 and 10 mm"),
    (["--set", f"school={LONG}"], f"at most {schema.VALUE_CHARS}"),
    (["--card-size", "huge"], "card size"),
])
def test_the_command_line_refuses_bad_values_with_one_line(argv, needle, capsys):
    assert main(["--only", "poster", *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_good_values_give_the_same_options_everywhere():
    from kit.web.forms import read
    from kit.web.words import words

    args = _parser().parse_args(["--paper", "letter", "--bleed", "3", "--duplex", "short", "--low-ink",
                                 "--card-size", "poker", "--lang", "nl", "--set", "school=De Linde"])
    cli = schema.from_args(args)
    form = {"paper": "letter", "bleed": "3", "duplex": "short", "low_ink": "on", "card_size": "poker", "lang": "nl"}
    api = read({**form, "set": ["school=De Linde"], "products": "poster"}, words("en"), page=False)
    page = read({**form, "bleed": "on", "school": "De Linde", "products": ["poster"]}, words("en"), page=True)
    assert not api.problems and not page.problems
    assert api.options == cli == page.options


def test_options_has_a_field_per_schema_entry():
    names = [f.name for f in dataclasses.fields(Options)]
    assert names == [o.name for o in schema.OPTIONS] + ["values", "products"]
    assert Options() == Options(**{o.name: o.default for o in schema.OPTIONS})


def test_adding_an_option_is_one_entry(monkeypatch):
    """A new entry of OPTIONS is a flag, a page field, an API parameter and a checked form value."""
    from kit.web import forms
    from kit.web.words import words

    extra = schema.Option("corners", "choice", "square", "how card corners are cut",
                          choices=("square", "round"), label="duplex")
    monkeypatch.setattr(schema, "OPTIONS", (*schema.OPTIONS, extra))
    assert "--corners {square,round}" in _parser().format_help()
    assert "corners" in [f["name"] for f in forms.page_context("en", words("en"))["option_fields"]]
    assert "corners" in [p.name for p in forms.parameters(page=False)]
    assert schema.from_form({"corners": "round"}, lambda o, e: None)["corners"] == "round"
    refused = []
    schema.from_form({"corners": "oval"}, lambda o, e: refused.append(o.name))
    assert refused == ["corners"]


def test_every_product_says_how_to_print_it_with_the_page_s_default_options():
    # the page shows this for every ticked product; the sorting mat once named no sheet
    # when no poster paper was chosen, and the job's page answered 500
    from kit.imposition import paper_name

    for product_id in products.ids():
        product = products.get(product_id)
        paper = product.paper(Options())
        assert paper, product_id
        lines = product.how_to_print(Options(), "en")
        assert lines and all(lines), product_id
        if "{paper}" in product.words("en").get("print_item", ""):  # its line names the sheet
            assert f"({paper_name(paper)})" in product.print_item("en", paper), product_id
