"""Where the kit's own files are: the only module that knows.

Layouts, labels, fonts and the shipped content packs are read through these
names and nowhere else.
"""

from pathlib import Path

KIT = Path(__file__).resolve().parent
ROOT = KIT.parent  # the checkout (docs/ lives there)
LAYOUTS = ROOT / "layouts"
LABELS = LAYOUTS / "labels"
CONTENT = ROOT / "content"
FONTS = KIT / "fonts"
NEW_PACK = KIT / "new_pack"
DOCS = ROOT / "docs"
DEFAULT_PACK_ID = "collectief-leren"


def shipped_pack(name: str) -> Path | None:
    """The folder of the pack shipped with the kit under this id, if there is one."""
    if name and "/" not in name and "\\" not in name and name not in (".", ".."):
        folder = CONTENT / name
        if (folder / "pack.yaml").is_file():
            return folder
    return None
