"""The starter pack (`kit/new_pack/`, commented YAML) as a workbook, for
`findings-kit new --xlsx`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .export import save_workbook, write_workbook
from .table_loader import PACK_SHEET, README_SHEET
from .yaml_loader import load_yaml_pack


def starter_workbook(template: Path, pack_id: str, target: Path, language: str = "en") -> Path:
    """The commented starter pack (kit/new_pack/) as a workbook; its comments go to the README sheet.
    In a language the kit has no labels for, a `labels` sheet holds the kit's words to translate."""
    import openpyxl

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pack"
        shutil.copytree(template, folder, ignore=shutil.ignore_patterns("__pycache__"))
        main_file = folder / "pack.yaml"
        main_file.write_text(main_file.read_text(encoding="utf-8").replace("__ID__", pack_id)
                             .replace("language: en", f"language: {language}"), encoding="utf-8")
        pack = load_yaml_pack(folder).pack
        notes = []
        for file in sorted(folder.glob("*.yaml")):
            if file.stem == PACK_SHEET:
                continue  # its comments are about YAML files; the pack sheet's third column explains each field
            lines = []
            for line in file.read_text(encoding="utf-8").splitlines():
                if not line.startswith("#"):
                    break
                lines.append(line.lstrip("#").strip())
            if lines:
                notes.append((file.stem, " ".join(lines)))
    write_workbook(pack, target)
    book = openpyxl.load_workbook(target)
    readme = book[README_SHEET]
    readme.append([])
    readme.append(["About the example in each sheet (replace it with your own findings)"])
    readme.cell(readme.max_row, 1).font = openpyxl.styles.Font(bold=True)
    for sheet, note in notes:
        readme.append([f"sheet {sheet}: {note.replace('`', '')}"])
        readme.cell(readme.max_row, 1).alignment = openpyxl.styles.Alignment(wrap_text=True)
    from ..labels import available, base_language

    if base_language(language) not in available():
        from ..label_file import add_sheet

        add_sheet(book, language)
    return save_workbook(book, target)
