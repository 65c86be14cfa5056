"""Pack text never becomes CSS: running heads and footers take it as content
(attributes read with attr()), so CSS break-out payloads in any text field
print as text and the page's own text is still printed."""

from __future__ import annotations

import pytest
import yaml
from conftest import ENGLISH_PACK, cli, write_pack
from pdfread import contains, squash, text

# Each tries to close the string, the declaration and the rule it might sit
# in, hide the body and print "PWNED" from a margin box. Printed as text,
# "PW" and "NED" stay apart.
PAYLOADS = {
    "carriage-return": "A\r;}} body{visibility:hidden} @page{@top-center{content:'PW' 'NED'}} x{",
    "form-feed": 'B\f"}; body{display:none} @page{@top-right{content:"PW" "NED"}} x{',
    "backslash-quote": "C\\\"}\\'} @import url(http://127.0.0.1:9/x.css); @page{@bottom-center{content:'PW' 'NED'}}",
    "single-quote": "D'} html{background:url(http://127.0.0.1:9/b.png)} .head,.cat,.block,.sec{display:none} @page{@top-center{content:'PW' 'NED'}}",
    "style-tag": "E</style><style>body{visibility:hidden}@page{@top-center{content:'PW' 'NED'}}</style>",
}
NOT_TEXT = {"id", "category", "source", "question_source", "kind", "refers_to", "language", "report_url", "url", "email"}
PRODUCTS = {
    "answer-key": ["Answer key", "Teachers want to stay in the profession", "Quick check"],
    "worksheet": ["Worksheet", "Protected time in the timetable", "Notes"],
    "guide": ["Facilitator guide", "What to print", "Doe & Roe (2024)"],
}


# A category's question word is capped at 40 characters (kit/model.py): it
# gets as much of the payload as fits.
CAPPED = {("categories.yaml", "question"): 40}


def _poison(value, payload, file="", key=""):
    """Every printed text field of the pack gets the payload appended."""
    if isinstance(value, dict):
        return {k: (v if k in NOT_TEXT else _poison(v, payload, file, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, payload, file, key) for v in value]
    if isinstance(value, str):
        return f"{value} {payload}"[: CAPPED.get((file, key))]
    return value


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_css_break_outs_in_every_text_field_print_as_text(tmp_path, name):
    payload = PAYLOADS[name]
    files = {}
    for file, source in ENGLISH_PACK.items():
        files[file] = yaml.safe_dump(_poison(yaml.safe_load(source), payload, file), allow_unicode=True)
    pack = write_pack(tmp_path / "pack", files)
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", ",".join(PRODUCTS))
    assert result.returncode == 0, result.stderr
    for product, own_words in PRODUCTS.items():
        printed = text(tmp_path / "out" / "staff-wellbeing" / f"{product}.pdf")
        assert "PWNED" not in squash(printed), product
        for words in own_words:
            assert contains(printed, words), (product, words)
        # the running footer is there, with the pack's text in it as text, and the page numbers
        assert contains(printed, "page 1 of"), product
        assert contains(printed, f"Doe & Roe (2024) {payload[0]}") and "NED" in printed, product
