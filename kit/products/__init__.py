"""The product registry: a product is one module plus its layout folder.

Adding a product to the kit takes exactly two things and no other edit:

1. a module `kit/products/<name>.py` that defines `PRODUCT`, a
   `kit.context.Product` (id, kind, needs, build, promised, qr, order,
   default, prints_values, print_steps, paper_option);
2. its folder `layouts/<id>/`: `page.html.j2` (kind "document") or
   `cards.html.j2` (kind "cards"), `style.css`, and `product.yaml` with its
   name and guide line per language.

Every module of this package that defines `PRODUCT` is found here. A product
kept outside the kit (a plugin) is a module anywhere on the import path,
named by an entry point in the group `findings_kit.products`
(`my-product = my_package.my_product`); its `PRODUCT` sets `layout_root` to
the folder holding its `<id>/` layout folder. The audit, the guide, the web
page, the build and the README's table all read the products from here.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from importlib.metadata import entry_points

from ..context import Product
from ..errors import KitError
from ..paths import add_layout_root

ENTRY_POINTS = "findings_kit.products"


@lru_cache(maxsize=1)
def _registry() -> dict[str, Product]:
    modules = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
    modules += [importlib.import_module(point.value.partition(":")[0]) for point in entry_points(group=ENTRY_POINTS)]
    found: dict[str, Product] = {}
    for module in modules:
        product = getattr(module, "PRODUCT", None)
        if not isinstance(product, Product):
            continue
        if product.id in found:
            raise RuntimeError(f"two products have the id {product.id!r}: {module.__name__} and another")
        if product.layout_root is not None:
            add_layout_root(product.layout_root)
        found[product.id] = product
    return {p.id: p for p in sorted(found.values(), key=lambda p: (p.order, p.id))}


def rescan() -> None:
    """Find the products again (after a plugin was installed while running)."""
    _registry.cache_clear()


def all_products() -> list[Product]:
    """Every product, in listing and build order."""
    return list(_registry().values())


def ids() -> list[str]:
    return list(_registry())


def default_ids() -> list[str]:
    """What a build makes when no product is named."""
    return [p.id for p in _registry().values() if p.default]


def get(product_id: str) -> Product:
    registry = _registry()
    if product_id not in registry:
        raise KitError(f"unknown product {product_id!r}; products: {', '.join(registry)}")
    return registry[product_id]
