"""The audit of every product, after layout and before its PDF is written:
what each product promises to print, and one line naming the file, the
line, the item and the product when a laid-out page breaks an invariant.

The invariants themselves are checked on WeasyPrint's box tree in `boxes`;
what a product promises (`Product.promised`, `Product.qr`) is the product's
own; this module knows the pack, not WeasyPrint.
"""

from __future__ import annotations

from .errors import KitError, Where
from .model import SECTION_FILES

SINGULAR = {
    "definitions": "definition",
    "categories": "category",
    "statements": "statement",
    "recommendations": "recommendation",
    "dialogue": "dialogue card",
    "cases": "case",
    "guide": "guide step",
}


def _parts(ref: str) -> tuple[str, str]:
    """(field, item id) of a reference: 'label:c1' -> ('label', 'c1'); an item id
    or a field of pack.yaml, bare or as 'pack:title' (the fit id of the title on
    every back of a deck) -> ('', 'title')."""
    field, _, item_id = ref.rpartition(":")
    return ("", item_id) if field == "pack" else (field, item_id)


def locate(loaded, ref: str | None) -> tuple[Where | None, str]:
    """(where, name) of an item id, 'field:item id' or a field of pack.yaml; (None, "") for none of them."""
    pack = loaded.pack
    if not ref:
        return None, ""
    field, item_id = _parts(ref)
    found = pack.find(item_id)
    if found:
        section, index, _ = found
        path = (section, index, field) if field else (section, index)
        return loaded.where(path), f"{SINGULAR[section]} {item_id!r}" + (f" {field}" if field else "")
    if not field and item_id in type(pack).model_fields:
        return loaded.where((item_id,)), f"the pack's {item_id.replace('_', ' ')}"
    if not field and item_id.partition(".")[0] in type(pack).model_fields:  # 'citation.short'
        return loaded.where(tuple(item_id.split("."))), f"the pack's {item_id}"
    return None, ""


def _item_id(pack, ref: str | None) -> str | None:
    """The id of the pack item a reference names; None for a field of pack.yaml or a card of the kit's own."""
    item_id = _parts(ref)[1] if ref else None
    return item_id if item_id and pack.find(item_id) else None


def find_text(pack, text: str) -> str | None:
    """The item (or pack field) whose words these are, for text no box names."""
    from .boxes import squash

    wanted = squash(text).casefold()
    if len(wanted) < 4:
        return None
    for name in ("title", "subtitle", "description", "citation.short", "citation.text"):
        value = pack
        for part in name.split("."):
            value = getattr(value, part, None)
        if value and wanted in squash(value).casefold():
            return name
    for section in SECTION_FILES:
        for entry in getattr(pack, section, []):
            for field, value in entry:
                if isinstance(value, str) and wanted in squash(value).casefold():
                    return f"{field}:{entry.id}" if getattr(entry, "id", None) else None
    return None


def _says(pack, ref: str, text: str) -> bool:
    """Whether `text` is part of what the item or pack field `ref` holds; True
    when `ref` names neither (a card of the kit's own, such as an about card)."""
    from .boxes import squash

    field, item_id = _parts(ref)
    entry = pack.item(item_id)
    if entry is not None:
        values = [getattr(entry, field, None)] if field else [value for _, value in entry]
    elif not field and item_id in type(pack).model_fields:
        values = [getattr(pack, item_id, None)]
    else:
        return True
    words = squash(" ".join(_strings(values))).casefold()
    return squash(text.rstrip("…")).casefold() in words


def own_label(loaded, text: str) -> tuple | None:
    """The key path of the pack's own label (labels.yaml, a labels sheet) that holds `text`."""
    from .boxes import squash

    wanted = squash(text.rstrip("…")).casefold()
    if len(wanted) < 4:
        return None

    def visit(value, path):
        if isinstance(value, str):
            return path if wanted in squash(value).casefold() else None
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, inner in items:
            found = visit(inner, path + (key,))
            if found is not None:
                return found
        return None

    return visit(getattr(loaded, "labels", None) or {}, ())


def _strings(value) -> list[str]:
    """Every string in a value of the pack: a field, a list, a nested model."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    if hasattr(value, "model_fields"):
        return [s for name in type(value).model_fields for s in _strings(getattr(value, name))]
    return []


def fit_error(loaded, what: str, values: tuple = (), larger: str | None = None):
    """The one-line error for a fitted box that does not fit even at its floor.

    `values` are the --set values: a box that is not a pack item (an about
    card, a cover) may print them, and then they may be what is too long.
    `larger`: a card size preset with more room, offered beside shortening.
    """
    given = [f"--set {key}=" for key, value in values if value]

    def describe(fit_id, overflow, floor):
        where, name = locate(loaded, fit_id)
        # a box holding a pack text (an item's field, the title) prints no --set value:
        # only the kit's own boxes (an about card, a cover) are offered them as a remedy
        kits_own = not name
        if kits_own:
            where = loaded.where_item(fit_id)
            name = repr(fit_id)
        remedy = "shorten it"
        if given and kits_own and loaded.pack.item(fit_id) is None:
            remedy = f"shorten it or {', '.join(given)}"
        entry = loaded.pack.item(fit_id)
        if getattr(entry, "kind", None) == "case" and not entry.text and entry.refers_to:
            # it prints the case's text: the card needs words of its own
            remedy = f"it prints the text of case {entry.refers_to!r}; give the card a shorter `text` of its own"
        if larger:
            remedy += f", or choose a larger card size: {larger} (--card-size {larger})"
        if overflow.axis == "x":
            detail = f"has a word wider than the box; {remedy}"
        else:
            detail = f"about {max(1, round((overflow.ratio - 1) * 100))}% too long; {remedy}"
        return KitError(f"{name} does not fit its {what} even at {floor:g} pt: {detail}", where,
                        item=_item_id(loaded.pack, fit_id))

    return describe


class Auditor:
    """Audits a product's laid-out document, or its chunks one by one, against
    what the product (a `kit.context.Product`) promises: its QR code and its
    `promised(pack)` text."""

    def __init__(self, loaded, product, values: tuple = ()):
        self.loaded = loaded
        self.product = product
        self.product_id = product.id
        self.values = values  # --set values: printed too, and may be what does not fit
        self.promised = product.promised(loaded.pack)
        self.text: list[str] = []
        self.qr_count = 0

    def feed(self, document) -> None:
        from . import boxes

        problems = boxes.check_pages(document) + boxes.check_qr(document, min_count=0)
        self.qr_count += sum(1 for page in document.pages for _ in boxes.qr_boxes(page._page_box))
        if problems:
            raise self.error(problems[0])
        self.text.append(boxes.squash(boxes.printed_text(document)).casefold())

    def finish(self, only: set[str] | None = None, qr: bool = True) -> None:
        """After the last page: the QR code and every promised item are there
        (`only`: just the items with these ids; `qr`: whether the QR code is due)."""
        from . import boxes

        if qr and self.product.qr and not self.qr_count:
            raise self.error(boxes.Problem("report_url", "the QR code to the report is missing"))
        text = "".join(self.text)
        for ref, what, wanted in self.promised:
            if only is not None and ref.rpartition(":")[2] not in only:
                continue
            if boxes.squash(wanted).casefold() not in text:
                raise self.error(boxes.Problem(ref, f"{what} is missing"))

    def _option(self, text: str) -> str | None:
        """The --set key whose value is this text (or holds its start)."""
        from .boxes import squash

        wanted = squash(text.rstrip("…")).casefold()
        if len(wanted) < 4:
            return None
        for key, value in self.values:
            if value and (wanted in squash(value).casefold() or squash(value).casefold() in wanted):
                return key
        return None

    def error(self, problem) -> KitError:
        ref = problem.item
        if problem.text and ref and not _says(self.loaded.pack, ref, problem.text):
            # text on an item's card that is not the item's own words (the pack's
            # title on a card's back, a --set value): name whose words they are
            owner = find_text(self.loaded.pack, problem.text)
            if owner:
                ref = owner
            elif self._option(problem.text):
                ref = None
            elif (label := own_label(self.loaded, problem.text)) is not None:
                name = ".".join(str(p) for p in label)
                return KitError(f"the pack's label {name!r}: {problem.message} (in the {self.product_id}); shorten it",
                                self.loaded.where(("labels",) + label))
        where, name = locate(self.loaded, ref)
        if not name:
            ref = find_text(self.loaded.pack, problem.text)
            where, name = locate(self.loaded, ref)
        if not name:
            option = self._option(problem.text)
            if option:
                return KitError(f"--set {option}=: the value {problem.message} (in the {self.product_id}); shorten it")
        subject = f"{name}: " if name else ""
        return KitError(f"{subject}{problem.message} (in the {self.product_id})", where,
                        item=_item_id(self.loaded.pack, ref))
