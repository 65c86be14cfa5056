"""`findings-kit labels LANG FILE`: the complete label table to translate,
every key with the English text and a note on where it prints, as YAML (a
pack's labels.yaml) or as the rows of a workbook's `labels` sheet."""

from __future__ import annotations

import json
from pathlib import Path

from .labels import available, base_language, english, reference

# Where each label prints: the comment beside it in the file to translate.
WHERE = {
    "dialogue_deck": "title of the dialogue card deck: PDF title, card backs, guide",
    "sort_deck": "title of the sort card deck: PDF title, card backs, guide",
    "poster": "title of the poster",
    "answer_key": "title of the answer key",
    "worksheet": "title of the worksheet",
    "guide": "title of the facilitator guide",
    "alignment": "title of the duplex alignment test sheet",
    "page_of": "page numbers at the foot of the answer key, worksheet and guide",
    "question_for_team": "heading above the question on each dialogue card",
    "scan_for_report": "beside every QR code",
    "citation": "heading of the full citation (poster, answer key, guide)",
    "contact": "heading of the contacts (poster, guide)",
    "code": "column heading on the answer key: the sort card codes",
    "statement": "column heading on the answer key",
    "category": "column heading on the answer key",
    "cut_along_lines": "foot of every card sheet",
    "print_at_100": "web page: how to print a page product",
    "print_actual_size": "foot of every card sheet, beside the ruler",
    "sources": "after a text that is not a finding word for word: where it comes from",
    "dialogue_kinds": "kind of each dialogue card, at its top",
    "recommendations_title": "heading of the recommendations (poster, guide)",
    "answer_key_intro": "first paragraph of the answer key",
    "checked_by": "how to use the answer key, under its intro",
    "tick_recognise": "first tick box beside each statement on the worksheet",
    "tick_not_yet": "second tick box beside each statement on the worksheet",
    "notes": "heading of the room for notes (worksheet)",
    "example": "line under each statement on the worksheet",
    "school": "name of the --set school value where it prints",
    "team": "name of the --set team value where it prints",
    "date": "name of the --set date value where it prints",
    "facilitator": "name of the --set facilitator value where it prints",
    "name": "the participant's name field on the worksheet",
    "about_deck": "heading of the card that explains a deck",
    "deck_use_dialogue": "how to use the dialogue cards (about card, guide)",
    "deck_use_sort": "how to use the sort cards (about card, guide)",
    "what_to_print": "guide: heading of the list of what to print",
    "steps": "guide: heading of the steps of the session",
    "minutes": "guide: abbreviation after a number of minutes",
    "using_answer_key": "guide: heading of the answer key's use",
    "answer_key_use": "guide: how to use the answer key",
    "print_tip_cards": "guide: printing tip for the cards",
    "print_tip_alignment": "guide: printing tip for the alignment sheet",
    "print_tip_cut": "guide: printing tip for cutting",
    "default_guide": "guide: the steps of the session when the pack gives none (title, minutes, text each)",
    "duplex_long": "card sheets and guide: how to print duplex",
    "duplex_short": "card sheets and guide: how to print duplex",
    "duplex_fold": "card sheets and guide: how to print without duplex",
    "sheet": "card sheets: the word before a sheet's number",
    "alignment_steps": "alignment sheet: how to print it",
    "alignment_read": "alignment sheet: how to read it",
    "alignment_current": "alignment sheet: the offset it was made with",
    "alignment_back": "alignment sheet: on the back",
    "poster_report_link": "poster: beside the QR code",
    "answer_key_summary": "answer key: heading of the overview",
    "answer_key_count": "answer key: column of the number of cards",
    "answer_key_codes": "answer key: column of the codes",
    "answer_key_no_cards": "answer key: a category without cards",
    "answer_key_source_legend": "answer key: what the source labels mean",
    "worksheet_intro": "worksheet: the instruction at the top",
    "worksheet_prompt": "worksheet: the question about a category without a prompt of its own",
    "guide_total": "guide: total time of the session",
    "guide_about": "guide: heading of the description of the study",
    "guide_definitions": "guide: heading of the key terms",
    "guide_report_link": "guide: beside the QR code",
    "guide_print_items": "guide: one line per product to print; {paper} is the sheet size",
    "guide_worksheet_when": "guide: when to hand out the worksheet",
}
HEADER = """\
# The words findings-kit prints itself, to translate into {language}.
# Put this file in the pack folder as labels.yaml (or its keys under `labels:` in pack.yaml).
# Translate the text after each key; keep the keys and every {{placeholder}} as they are.
# A key you delete prints the kit's own {fallback} text. Each comment says where the text prints
# and, when the text below is not English, what the English says.
"""


def rows(language: str) -> list[tuple[str, object, str, str]]:
    """(key, text to translate, English text, where it prints) for every label, nested keys dotted."""
    base = base_language(language)
    start = reference(base) if base in available() else english()
    out = []
    for key, value in english().items():
        note = WHERE.get(key, "")
        if isinstance(value, dict):
            for inner, text in value.items():
                out.append((f"{key}.{inner}", start[key][inner], text, note))
        elif isinstance(value, list):
            for number, (step, own) in enumerate(zip(value, start[key]), start=1):
                for field in step:
                    out.append((f"{key}.{number}.{field}", own[field], step[field], note))
        else:
            out.append((key, start[key], value, note))
    return out


def _quoted(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def as_yaml(language: str) -> str:
    """The table as the commented YAML of a pack's labels.yaml."""
    base = base_language(language)
    fallback = f"{base} (else English)" if base in available() and base != "en" else "English"
    lines = [HEADER.format(language=language, fallback=fallback)]
    english_table = english()
    ours = reference(base) if base in available() else english_table
    for key, value in english_table.items():
        lines.append(f"# {WHERE.get(key, key)}")
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for inner, text in value.items():
                if ours[key][inner] != text:
                    lines.append(f"  # English: {text}")
                lines.append(f"  {inner}: {_quoted(ours[key][inner])}")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for step, own in zip(value, ours[key]):
                first = True
                for field in step:
                    if own[field] != step[field] and isinstance(step[field], str):
                        lines.append(f"    # English: {step[field]}")
                    lines.append(f"  {'- ' if first else '  '}{field}: {_quoted(own[field])}")
                    first = False
        else:
            if ours[key] != value:
                lines.append(f"# English: {value}")
            lines.append(f"{key}: {_quoted(ours[key])}")
    return "\n".join(lines) + "\n"


def write(language: str, target: Path) -> Path:
    """Write the table to translate to `target` (.yaml), never over an existing file."""
    from .errors import KitError

    target = Path(target)
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise KitError("the labels are written as a YAML file: FILE.yaml (labels.yaml in a pack folder)", target)
    if target.exists():
        raise KitError("file exists; choose a new name (a translated table is never overwritten)", target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(as_yaml(language))
    return target


def add_sheet(book, language: str) -> None:
    """A `labels` sheet in an openpyxl workbook: key, value (to translate), English, where it prints."""
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet("labels")
    sheet.append(["key", "value", "english", "where"])
    for key, value, english_text, where in rows(language):
        sheet.append([key, value, english_text, where])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a text that starts with '=' stays text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (26, 60, 60, 40)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def language_code(value: str) -> str:
    import re

    from .errors import KitError

    if not re.fullmatch(r"[a-z]{2}(-[A-Za-z]{2})?", value):
        raise KitError(f"--language takes a language code such as nl, uk or pt-BR, not {value[:20]!r}")
    return value


def needs_own_labels(language: str) -> bool:
    """Whether a new pack in `language` needs the kit's words translated (the kit has no table for it)."""
    return base_language(language) not in available()


def offer_labels(language: str, prog: str) -> None:
    """For a new pack in a language the kit has labels for: how to word them differently."""
    if not needs_own_labels(language):
        print(f"the kit prints its own words in {language}; to word them differently: "
              f"{prog} labels {language} labels.yaml (see docs/content-format.md)")


def command(argv: list[str], prog: str) -> int:
    """`labels LANG FILE`: write every word the kit prints itself, to translate for a pack."""
    import argparse

    p = argparse.ArgumentParser(
        prog=f"{prog} labels",
        description="Write the complete table of the words the kit prints itself (headings, instructions, "
        "page numbers), each with the English text and where it prints, to translate for a pack in LANG. "
        "Put the translated file in the pack folder as labels.yaml; for a workbook pack, give the keys and "
        "texts as rows of a sheet named labels (columns key and value).")
    p.add_argument("language", metavar="LANG", help="the pack's language code, e.g. uk, ar, pt-BR")
    p.add_argument("file", type=Path, metavar="FILE", help="YAML file to write, e.g. content/my-study/labels.yaml")
    args = p.parse_args(argv)
    language = language_code(args.language)
    written = write(language, args.file)
    print(f"wrote {written}: translate the texts, keep the keys and {{placeholders}}; "
          f"in a pack folder it is read as labels.yaml")
    return 0
