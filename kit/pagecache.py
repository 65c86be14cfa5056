"""Laid-out pages kept by their HTML, so that a batch lays out a card sheet
once for all its rows and only the sheets that print a row's own words again.

A card sheet is an independent page (one fixed-size element, its cards placed
inside it): laid out alone it is the same page as laid out among the others,
and a document joined from pages of several layouts (`Document.copy`) writes
the same bytes as the one laid out whole (tests/test_batch_shared.py checks
both). The sheet template marks where each page's HTML begins (`PAGE`) and
where the last ends (`END`); a page is known by what comes before the first
mark (its head: styles, sizes, words broken by the fitting) and its own HTML.

Nothing is kept unless a build asks for it (`keeping`): a single kit has no
second row to share its sheets with, and a large deck must not hold its
parts in memory after it has written them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from contextlib import contextmanager

PAGE = "<!--kit:page-->"
END = "<!--kit:pages-end-->"
LIMIT = 96  # pages kept per process, the least recently used dropped first (a sheet is about 1 MB)
DOCUMENTS = 12  # whole documents kept per process (a page product's common pages: a few each)


class PageCache:
    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self._pages: OrderedDict[bytes, tuple[object, object]] = OrderedDict()  # key -> (document, page)
        self._documents: OrderedDict[bytes, object] = OrderedDict()  # key -> document
        self.pdfs: OrderedDict = OrderedDict()  # the common PDFs of stamped documents (`kit.overlay`)
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)

    def lay_out(self, html: str, layout):
        """The document of `html`, its marked pages taken from the cache where
        they are there and the others laid out together by `layout(html)`."""
        split = _split(html)
        if split is None:
            return self._whole(html, layout)
        head, pages, tail = split
        digest = hashlib.blake2b(head.encode(), digest_size=16).digest()
        keys = [hashlib.blake2b(page.encode(), digest_size=16, key=digest).digest() for page in pages]
        missing = [i for i, key in enumerate(keys) if key not in self._pages]
        document = None
        if missing:
            document = layout(head + "".join(PAGE + pages[i] for i in missing) + END + tail)
            if len(document.pages) != len(missing):  # not one page per mark: keep nothing
                return layout(html)
            for i, page in zip(missing, document.pages):
                self._pages[keys[i]] = (document, page)
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        chosen = []
        for key in keys:
            self._pages.move_to_end(key)
            chosen.append(self._pages[key][1])
        if document is None:
            document = self._pages[keys[0]][0]
        result = document if len(missing) == len(keys) else document.copy(chosen)
        # a document larger than the limit keeps its own pages and a row's more
        while len(self._pages) > max(self.limit, 2 * len(keys)):
            self._pages.popitem(last=False)
        return result

    def _whole(self, html: str, layout):
        """A document without marked pages (a page product), kept whole: the
        common pages of a product that prints a row's words only as stamps
        (`kit.stamps`) are the same for every row."""
        key = hashlib.blake2b(html.encode(), digest_size=16).digest()
        if key in self._documents:
            self._documents.move_to_end(key)
            self.hits += 1
            return self._documents[key]
        document = self._documents[key] = layout(html)
        self.misses += 1
        while len(self._documents) > DOCUMENTS:
            self._documents.popitem(last=False)
        return document


def _split(html: str):
    """(head, [page HTML], tail) of a marked document; None for any other."""
    first = html.find(PAGE)
    end = html.rfind(END)
    if first < 0 or end < first:
        return None
    pages = html[first + len(PAGE):end].split(PAGE)
    return html[:first], pages, html[end + len(END):]


_active: PageCache | None = None
_kept: PageCache | None = None


def active() -> PageCache | None:
    return _active


@contextmanager
def keeping(keep: bool):
    """Within: marked documents are laid out through this process's cache
    (made on first use and kept for the next task), when `keep`."""
    global _active, _kept
    if not keep:
        yield None
        return
    if _kept is None:
        _kept = PageCache()
    before, _active = _active, _kept
    try:
        yield _active
    finally:
        _active = before


def forget() -> None:
    """Drop the pages this process kept (a batch run in this process is over)."""
    global _kept
    _kept = None
