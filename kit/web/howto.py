"""How to print each product, in the words the guide prints (layouts/labels)."""

from __future__ import annotations

from ..context import Options
from ..labels import labels
from ..products import get
from ..products.guide import CARD_PRODUCTS, paper_name


def how_to_print(product_id: str, options: Options, language: str, words: dict) -> list[str]:
    if get(product_id).suffix != ".pdf":  # the screen version: not printed, opened
        return list(words["screen_howto"])
    table = labels(language)
    paper = paper_name(getattr(options, get(product_id).paper_option))
    lines = []
    item = (table.get("guide_print_items") or {}).get(product_id)
    if item:
        lines.append(item.replace("{paper}", paper))
    if product_id == "guide":
        lines.append(words["guide_print"].replace("{paper}", paper))
    if product_id in CARD_PRODUCTS:
        lines.append(table["print_tip_cards"])
        duplex = table.get(f"duplex_{options.duplex}")
        if duplex:
            lines.append(duplex)
        lines.append(table["cut_along_lines"] + ".")
    elif product_id == "alignment":
        lines.append(table["alignment_steps"].replace("{mode}", table.get(f"duplex_{options.duplex}", options.duplex)))
    else:
        lines.append(words["print_100"])
    return lines
