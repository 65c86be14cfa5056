"""A card that does not fit the card size a facilitator chose is named, with
the next card size that gives it room; that size builds."""

import re

from kit.cli import main
from kit.imposition import larger_card_size


def test_a_card_too_long_for_the_chosen_size_is_offered_a_roomier_size_that_builds(tmp_path, capsys):
    code = main(["--content", "teamleren", "--only", "dialogue-cards", "--card-size", "poker",
                 "--out", str(tmp_path), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "dialogue.yaml:" in err and "shorten it, or choose a larger card size: a7 (--card-size a7)" in err
    assert not list(tmp_path.rglob("*.pdf"))
    offered = re.search(r"--card-size (\w+)", err)[1]
    assert main(["--content", "teamleren", "--only", "dialogue-cards", "--card-size", offered,
                 "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert (tmp_path / "teamleren" / "dialogue-cards.pdf").exists()


def test_the_size_offered_is_the_smallest_preset_with_more_room_and_no_narrower():
    assert larger_card_size("poker") == "a7"
    assert larger_card_size("square") == "a7"  # poker has more area but is narrower than 70 mm
    assert larger_card_size("a7") == "dialogue"
    assert larger_card_size("dialogue") == "a6"
    assert larger_card_size("a6") is None
    assert larger_card_size("50x50") == "square"
