"""The layouts' custom properties that hold one value throughout a document
are written in as values before WeasyPrint reads the CSS (kit/cssvars.py):
the same PDFs, with less for WeasyPrint to resolve per element; a property
that may differ between elements is left to WeasyPrint."""

from __future__ import annotations

import pytest
from conftest import build

from kit import cssvars
from kit.paths import LAYOUTS

HEAD = '<html><head><style>:root {{ --accent: #2f4b7c; --safe: 3mm; }} {extra}</style></head><body class="{body}">'


def _constants(extra: str = "", body: str = "colour", rest: str = "") -> dict[str, str]:
    return cssvars.constants(HEAD.format(extra=extra, body=body) + rest + "</body></html>", lambda href: None)


def test_a_property_declared_once_on_root_is_a_value_throughout():
    assert _constants() == {"--accent": "#2f4b7c", "--safe": "3mm"}
    assert cssvars.substitute("p { padding: calc(var(--safe) + 1mm); color: var(--accent); }",
                              _constants()) == "p { padding: calc(3mm + 1mm); color: #2f4b7c; }"


@pytest.mark.parametrize("extra, body, rest", [
    (".low-ink { --accent: #000; }", "low-ink", ""),  # a class the document has
    (".card { --accent: #000; }", "colour", "<div class=\"slot card\">x</div>"),  # a class it has
    ("p { --accent: #000; }", "colour", ""),  # any other selector
    ("@media print { :root { --accent: #000; } }", "colour", ""),
    (":root { --accent: #000 !important; }", "colour", ""),
    ("", "colour", '<div style="--accent: #000">x</div>'),  # a style attribute
])
def test_a_property_that_may_differ_between_elements_is_left_to_weasyprint(extra, body, rest):
    assert "--accent" not in _constants(extra, body, rest)
    assert _constants(extra, body, rest)["--safe"] == "3mm"


def test_a_rule_for_a_class_no_element_has_does_not_count_and_pack_text_is_not_css():
    assert _constants(".low-ink { --accent: #000; }")["--accent"] == "#2f4b7c"  # printed in colour
    words = "<p>Type var(--accent) and &lt;style&gt;p {}&lt;/style&gt; class=&quot;low-ink&quot;</p>"
    html = HEAD.format(extra=".low-ink { --accent: #000; }", body="colour") + words + "</body></html>"
    values = cssvars.constants(html, lambda href: None)
    assert values["--accent"] == "#2f4b7c"
    assert words in cssvars.in_styles(html, values)  # only <style> elements are rewritten


def test_a_link_to_a_stylesheet_that_is_not_a_local_file_keeps_every_var():
    html = HEAD.format(extra="", body="colour") + "</body></html>"
    linked = html.replace("<head>", '<head><link rel="stylesheet" href="https://example.org/x.css">')
    assert cssvars.constants(linked, lambda href: None) == {}
    local = html.replace("<head>", '<head><link rel="stylesheet" href="common/base.css">')
    assert cssvars.constants(local, lambda href: LAYOUTS / href)["--safe"] == "3mm"


@pytest.mark.parametrize("options", [{}, {"low_ink": True, "paper": "letter"}])
def test_cards_and_pages_are_the_same_bytes_with_the_values_written_in(english_pack, tmp_path, monkeypatch, options):
    products = "sort-cards,dialogue-cards,answer-key,poster"
    written = build(english_pack, tmp_path / "written", products, **options)
    with monkeypatch.context() as patch:
        patch.setattr(cssvars, "constants", lambda html, resolve: {})
        resolved = build(english_pack, tmp_path / "resolved", products, **options)
    for product in products.split(","):
        assert (written / f"{product}.pdf").read_bytes() == (resolved / f"{product}.pdf").read_bytes(), product
