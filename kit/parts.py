"""Writing PDFs atomically, and joining the parts of a large deck in order.

Loads no renderer: the main process joins the parts its workers laid out.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic(target: Path):
    """A file to write `target` through: a failure leaves the previous file as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; a PDF is for sharing
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def part_path(out: Path, product_id: str, index: int) -> Path:
    """Where a worker leaves part `index` (from 1) of a deck; a stale one is
    removed with the other half-written files of a killed build."""
    return out / f".{product_id}.part-{index:03d}.pdf.part"


def join(parts, out) -> int:
    """Append the PDFs `parts` (paths or binary files) in order; returns the page count.

    Metadata and language come from the first part, so the joined file reads
    like one document.
    """
    import pypdf

    writer = pypdf.PdfWriter()
    metadata = language = None
    for part in parts:
        reader = pypdf.PdfReader(part)
        metadata = metadata or reader.metadata
        language = language or reader.trailer["/Root"].get("/Lang")
        writer.append(reader)
    if metadata:
        writer.add_metadata(dict(metadata))
    if language:
        writer._root_object[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject(language)
    writer.write(out)
    return len(writer.pages)
