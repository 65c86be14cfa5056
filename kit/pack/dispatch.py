"""`load_pack`: a YAML folder, an .xlsx workbook or a folder of CSV files, by what the path is."""

from __future__ import annotations

from pathlib import Path

from .loaded import LoadedPack
from .table_loader import is_table_pack, load_table_pack
from .yaml_loader import load_yaml_pack


def load_pack(source: Path | str) -> LoadedPack:
    """The validated pack at `source`; a KitError naming the file and line (or cell) if it is not one."""
    source = Path(source)
    if is_table_pack(source):
        return load_table_pack(source)
    return load_yaml_pack(source)
