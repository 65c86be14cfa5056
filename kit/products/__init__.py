"""The product registry: each product is a module here plus its folder in
`layouts/`.

A product module defines `PRODUCT`, a `kit.context.Product` that says which
pack sections it needs and how it turns a pack into a laid-out document.
Adding a product means adding one module (and its layout folder) and naming
it in `REGISTRY` below.
"""

from __future__ import annotations

import importlib

from ..context import Product
from ..errors import KitError

# Product id -> module name; the order is the build and listing order.
REGISTRY = {
    "dialogue-cards": "dialogue_cards",
    "sort-cards": "sort_cards",
    "poster": "poster",
    "answer-key": "answer_key",
    "worksheet": "worksheet",
    "sort-mat": "sort_mat",
    "case-cards": "case_cards",
    "results-sheet": "results_sheet",
    "guide": "guide",
    "alignment": "alignment",
}
# Built by default when --only is not given (the alignment sheet is asked for).
DEFAULT_PRODUCTS = ("dialogue-cards", "sort-cards", "poster", "answer-key", "worksheet", "sort-mat", "case-cards", "results-sheet", "guide")


def get(product_id: str) -> Product:
    if product_id not in REGISTRY:
        raise KitError(f"unknown product {product_id!r}; products: {', '.join(REGISTRY)}")
    module = importlib.import_module(f".{REGISTRY[product_id]}", __name__)
    return module.PRODUCT
