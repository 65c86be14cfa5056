"""Where the kit's own files are."""

from pathlib import Path

KIT = Path(__file__).resolve().parent
ROOT = KIT.parent
LAYOUTS = ROOT / "layouts"
FONTS = KIT / "fonts"
