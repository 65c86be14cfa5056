"""A rebuild after one changed field re-renders only the products that print it.

Each product says which --set keys it prints (`Product.prints_values`); only
those are in its fingerprint. Read back from the PDFs: a product prints
exactly the keys it declares, so leaving the others out of its fingerprint
can never leave a stale name on paper.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import DEFAULT_PACK, KEYS, sentinel
from pdfread import contains, text

from kit.build.records import output_file, plan_product, shared_digest
from kit.pack import load_pack
from kit.products import get, ids


@pytest.mark.parametrize("product_id", list(ids()))
def test_each_product_prints_exactly_the_values_it_declares(marked_kit, product_id):
    out, _ = marked_kit
    path = output_file(out, product_id)  # the screen version is a page, read as its text
    if not path.is_file():
        path = out / "cases" / f"{product_id}.pdf"
    words = text(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
    printed = {key for key in KEYS if contains(words, sentinel(key))}
    assert printed == set(get(product_id).prints_values or ()), product_id


def test_a_new_school_name_reuses_only_what_does_not_show_it(marked_kit):
    out, options = marked_kit
    options = replace(options, products=tuple(ids()))  # as build_kit plans: the guide lists what is built
    loaded = load_pack(DEFAULT_PACK)
    shared = shared_digest()
    renamed = replace(options, values=tuple((k, "Other School" if k == "school" else v) for k, v in options.values))
    again = {p: plan_product(loaded, out, p, renamed, False, shared)[0] for p in ids()}
    render = sorted(p for p, settled in again.items() if settled is None)
    assert render == sorted(p for p in ids() if "school" in get(p).prints_values)
    # case-cards: skipped, the default pack has no cases
    assert {p for p, settled in again.items() if settled} == {"sort-cards", "sort-mat", "alignment", "case-cards"}

    unused = replace(options, values=tuple((k, "B12" if k == "room" else v) for k, v in options.values))
    assert all(plan_product(loaded, out, p, unused, False, shared)[0] for p in ids())
