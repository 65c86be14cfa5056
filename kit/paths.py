"""Where the kit's own files are: the only module that knows.

Layouts, labels, fonts and the shipped content packs are read through these
names and nowhere else. In a checkout (also an editable install) the layouts
and packs are the top-level `layouts/` and `content/` folders; an installed
wheel carries them as package data, `kit/layouts` and `kit/content` (see
pyproject.toml), found through importlib.resources.
"""

from importlib import resources
from pathlib import Path

KIT = Path(__file__).resolve().parent
ROOT = KIT.parent  # the checkout, when the kit runs from one (docs/ lives there)


def _data(name: str) -> Path:
    packaged = resources.files(__package__) / name
    if packaged.is_dir():
        return Path(str(packaged))
    return ROOT / name


LAYOUTS = _data("layouts")
LABELS = LAYOUTS / "labels"
CONTENT = _data("content")
FONTS = KIT / "fonts"
NEW_PACK = KIT / "new_pack"
DOCS = ROOT / "docs"
DEFAULT_PACK_ID = "collectief-leren"

# In an output folder, beside the PDFs: the build records (and the no-op
# manifest), and the lock file, never deleted, so that every build of a folder
# locks the same file. Named here for kit.build and for kit.noop, which must
# read them without importing kit.build.
CACHE_DIR = ".kit-cache"
LOCK_FILE = ".kit-lock"

# Folders holding layout folders: the kit's own, then those of products kept
# outside it (plugins, see kit/products). Templates and stylesheets are read
# from these and nowhere else.
_LAYOUT_ROOTS = [LAYOUTS]


def add_layout_root(folder: Path) -> None:
    folder = Path(folder).resolve()
    if folder not in _LAYOUT_ROOTS:
        _LAYOUT_ROOTS.append(folder)


def layout_roots() -> list[Path]:
    return list(_LAYOUT_ROOTS)


def in_checkout() -> bool:
    """True when the kit runs from a clone of its repository (not from an installed package)."""
    return (ROOT / "pyproject.toml").is_file() and (DOCS / "content-format.md.j2").is_file()


def shipped_packs() -> list[str]:
    return sorted(p.name for p in CONTENT.iterdir() if (p / "pack.yaml").is_file()) if CONTENT.is_dir() else []


def shipped_pack(name: str) -> Path | None:
    """The folder of the pack shipped with the kit under this id, if there is one."""
    if name in shipped_packs():
        return CONTENT / name
    return None
