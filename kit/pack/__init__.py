"""Packs in and out: a YAML folder, an .xlsx workbook or a folder of CSV files
becomes a validated `Pack` that remembers where each value came from.

- `files`: reading a pack file safely (a regular file, bounded) and writing one atomically;
- `errors`: a pydantic error in the kit's words, and the item path it names;
- `loaded`: `LoadedPack` / `TablePack`, whose `where()` gives a `kit.errors.Where`;
- `yaml_loader`: YAML folders, parsed once into nodes so each error has its line;
- `columns`: the models seen as flat spreadsheet columns (`citation.text`, `questions.2`);
- `table_loader`: .xlsx workbooks and CSV folders, each error naming its cell;
- `dispatch`: `load_pack`, which picks the loader;
- `export`: a pack written as a workbook or as YAML files;
- `starter`: the commented starter pack as a workbook.

The modules import downwards only (no module imports one that imports it back).
"""

from .dispatch import load_pack
from .loaded import LoadedPack

__all__ = ["LoadedPack", "load_pack"]
