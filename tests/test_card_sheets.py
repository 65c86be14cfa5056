"""Card sheets as printed: header cards as large as the statements they head,
the build line per kind of sheet, the fold line of --duplex fold on the fold."""

from __future__ import annotations

import pytest
from conftest import cli
from pdfread import card_boxes, thin_lines


def _size(box):
    _, left, top, right, bottom = box
    return sorted([right - left, bottom - top])  # turned or not


@pytest.mark.parametrize("card_size, header, statements", [("a6", "2 header cards", "2 statements"), ("poker", "4 header cards", "9 statements")])
def test_header_cards_are_at_least_as_large_as_the_statements_and_the_build_line_says_per_sheet(english_pack, tmp_path, card_size, header, statements):
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--only", "sort-cards", "--card-size", card_size)
    assert result.returncode == 0, result.stderr
    boxes = card_boxes(tmp_path / "staff-wellbeing" / "sort-cards.pdf")
    statement = _size(boxes["front-st-01"])
    for category in ("drivers", "conditions", "outcomes", "risks"):
        head = _size(boxes[f"front-{category}"])
        assert head[0] >= statement[0] - 0.1 and head[1] >= statement[1] - 0.1, (category, head, statement)
        assert head[0] >= 74 - 0.1 and head[1] >= 105 - 0.1  # never smaller than A7
    line = next(line for line in result.stdout.splitlines() if "sort-cards.pdf" in line)
    assert f"{header} per a4 sheet" in line and f"{statements} per a4 sheet" in line, line


def test_the_fold_line_is_centred_on_the_fold(english_pack, tmp_path):
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--only", "sort-cards", "--duplex", "fold")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "staff-wellbeing" / "sort-cards.pdf"
    boxes = card_boxes(pdf)
    checked = 0
    for name in ("fold-st-01", "fold-drivers"):
        page, left, top, right, bottom = boxes[name]
        turned = bottom - top > right - left  # a pair is wider than tall unless turned
        fold = (top + bottom) / 2 if turned else (left + right) / 2
        length = right - left if turned else bottom - top
        lines = [
            box for box in thin_lines(pdf, page)
            if left - 0.5 <= box[0] and box[2] <= right + 0.5 and top - 0.5 <= box[1] and box[3] <= bottom + 0.5
        ]
        # dashes of the fold line: thin along the fold, within the pair
        centres = [((b[1] + b[3]) / 2 if turned else (b[0] + b[2]) / 2) for b in lines]
        near = [c for c in centres if abs(c - fold) < 1]
        assert near, (name, fold, centres[:10])
        spans = sum((b[2] - b[0]) if turned else (b[3] - b[1]) for b, c in zip(lines, centres) if abs(c - fold) < 1)
        assert spans > 0.3 * length, name  # a dashed line along the whole fold
        for centre in near:
            assert centre == pytest.approx(fold, abs=0.03), (name, centre, fold)
        checked += 1
    assert checked == 2
