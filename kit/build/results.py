"""What a build is asked to do (`Task`) and what it reports (`Result`, `Status`).

A `Result` crosses from a worker process to the command line and the web
page whole: a failure keeps the file, line (or cell), item and product it
names, so nobody has to parse them back out of the one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..context import Options
from ..errors import KitError, Where, printable
from ..pack import LoadedPack


class Status(StrEnum):
    BUILT = "built"  # rendered by this build
    CACHED = "cached"  # unchanged since the last build: its PDF stays
    SKIPPED = "skipped"  # the pack has nothing for it
    ERROR = "error"  # bad input (exit 2)
    INTERNAL = "internal"  # a failure of the kit (exit 1)

    @property
    def written(self) -> bool:
        """Whether the product's PDF is there after the build."""
        return self in (Status.BUILT, Status.CACHED)

    @property
    def failed(self) -> bool:
        return self in (Status.ERROR, Status.INTERNAL)


@dataclass(frozen=True)
class Task:
    """One product to render into `out`, or with `part` (from 1) one part of a large deck."""

    loaded: LoadedPack
    out: Path
    product: str
    options: Options
    key: str  # the fingerprint of its inputs (see `records.fingerprint`)
    part: int = 0
    # One of many kits (a batch): the worker keeps the card sheets it lays out
    # for the next row's (kit.pagecache); a single build keeps nothing.
    shared_pages: bool = False

    @property
    def target(self) -> Path:
        from ..products import get  # the registry imports the products: only when asked

        return self.out / f"{self.product}{get(self.product).suffix}"


@dataclass
class Result:
    product: str
    path: str | None = None
    pages: int = 0
    note: str = ""
    seconds: float = 0.0
    status: Status = Status.BUILT
    message: str = ""  # for a failure: the one line the command line prints
    passes: int = 0  # WeasyPrint layouts this build took (fitting lays out again)
    laid_out: int = 0  # pages those layouts made, against `pages` written
    layout_seconds: float = 0.0
    part: int = 0  # a chunk task's part of a large deck (from 1); 0: the whole product
    detail: str = ""  # for bad input: the message without its place
    where: Where | None = None  # for bad input: the file and line, or the cell
    item: str | None = None  # for bad input: the id of the item it names, if any

    @classmethod
    def refused(cls, product: str, exc: KitError) -> Result:
        """The result of bad input: what the error says and where, kept apart."""
        detail = printable(exc.detail.replace("\n", " "))  # as the one line shows it
        return cls(product, status=Status.ERROR, message=exc.one_line(), detail=detail, where=exc.where,
                   item=exc.item)

    @classmethod
    def failed_inside(cls, product: str, exc: BaseException) -> Result:
        return cls(product, status=Status.INTERNAL, message=f"{type(exc).__name__}: {exc}")
