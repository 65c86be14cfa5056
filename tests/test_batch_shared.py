"""A batch makes what its rows have in common once: a product that prints
none of the values that differ is rendered for one row and copied into the
others, card sheets that print no row's words are laid out once per worker,
and each row's PDFs are still the bytes a single kit with its values gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DEFAULT_PACK, run_cli, shared_folder
from pdfread import contains, text

pytestmark = pytest.mark.slow  # batches of whole kits

ROWS = [
    ("Basisschool De Linde", "Team A", "2026-12-04"),
    ("Het Anker", "Onderbouw", "2026-12-11"),
    ("'t Klavertje", "Lager", "2027-01-08"),
]
FOLDERS = ["basisschool-de-linde-team-a-2026-12-04", "het-anker-onderbouw-2026-12-11", "t-klavertje-lager-2027-01-08"]


def _csv(folder: Path, rows=ROWS) -> Path:
    path = folder / "schools.csv"
    path.write_text("school,team,date\n" + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _sets(row) -> list[str]:
    school, team, date = row
    return ["--set", f"school={school}", "--set", f"team={team}", "--set", f"date={date}"]


def _batch_in_process(out: Path, csv: Path, products: list[str], monkeypatch, drawn: dict | None = None, **options):
    """build_batch with one job (every row in this process); returns its results
    and how often each product was rendered. `drawn`, if given, gets the pages
    of every document WeasyPrint drew and wrote, by product."""
    import weasyprint

    import kit.build.pool as pool
    from kit.batch import build_batch, read_rows
    from kit.context import Options

    rendered: dict[str, int] = {}
    real_render, real_write = pool.render_product, weasyprint.Document.write_pdf
    now = []  # the product being rendered

    def counting(task):
        rendered[task.product] = rendered.get(task.product, 0) + 1
        now[:] = [task.product]
        return real_render(task)

    def drawing(document, *args, **kwargs):
        drawn.setdefault(now[0], []).append(len(document.pages))
        return real_write(document, *args, **kwargs)

    monkeypatch.setattr(pool, "render_product", counting)
    if drawn is not None:
        monkeypatch.setattr(weasyprint.Document, "write_pdf", drawing)
    results = build_batch(DEFAULT_PACK, out, products, Options(**options), read_rows(csv), jobs=1)
    return results, rendered


# The run's batch: the default pack's products that print a row's words and
# those that print none, three rows in this process (one job: the second and
# third rows take the first row's sheets and common pages from the page
# cache), each --set key a column. Its second row has the marked kit's values
# (conftest.marked_kit, a single build), so that their PDFs can be compared.
BATCH_PRODUCTS = ["dialogue-cards", "sort-cards", "sort-mat", "answer-key", "worksheet", "results-sheet", "guide"]


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory, marked_kit):
    """(output folder, record): what the run's batch made, built once for all
    xdist workers. The record holds each row's results by product, how often
    each product was rendered, and the pages of every document WeasyPrint
    drew, by product."""
    _, options = marked_kit
    values = dict(options.values)
    columns = list(values)
    # the other rows' words as long as the marked ones (the same lines), the same start (the guide is stamped)
    rows = [{key: value.replace("Zq", mark) for key, value in values.items()} for mark in ("Xq", "Zq", "Yq")]

    def make(folder):
        csv = folder / "schools.csv"
        csv.write_text(",".join(columns) + "\n" + "".join(",".join(row[c] for c in columns) + "\n" for row in rows),
                       encoding="utf-8")
        drawn: dict[str, list[int]] = {}
        with pytest.MonkeyPatch.context() as patch:  # build_batch forgets its page cache itself
            results, rendered = _batch_in_process(folder / "out", csv, BATCH_PRODUCTS, patch, drawn)
        record = {"rendered": rendered, "drawn": drawn, "rows": [
            {r.product: {"status": r.status, "pages": r.pages, "laid_out": r.laid_out, "path": str(r.path),
                         "message": r.message} for r in results[line]}
            for line in sorted(results)]}
        (folder / "record.json").write_text(json.dumps(record))

    folder = shared_folder(tmp_path_factory, "batch-run", make)
    record = json.loads((folder / "record.json").read_text())
    assert all(r["status"] == "built" for row in record["rows"] for r in row.values()), record["rows"]
    return folder / "out", record, rows


def test_a_row_of_a_batch_is_byte_identical_to_a_single_kit_with_its_values(batch_run, marked_kit):
    """The second row: its card sheets and common pages came from the ones laid
    out for the first; the marked kit is a single build with its values."""
    _, record, _ = batch_run
    single, _ = marked_kit
    for product, result in record["rows"][1].items():
        if product == "guide":  # it names the products built, which are more in the marked kit (compared below)
            continue
        in_batch = Path(result["path"])
        assert in_batch.read_bytes() == (single / in_batch.name).read_bytes(), f"{product} differs from a single build"


# Through the command line, in a child: another pack, two numbered sets, short-edge duplex, case cards.
def test_a_row_of_a_batch_by_the_command_line_is_byte_identical_to_a_single_kit(tmp_path):
    pack, extra = "teamleren", ["--sets", "2", "--duplex", "short", "--only", "dialogue-cards,case-cards,guide"]
    csv = _csv(tmp_path, ROWS[:2])
    batch = run_cli("--content", pack, "--out", str(tmp_path / "batch"), "--batch", str(csv), "--jobs", "1", *extra)
    assert batch.returncode == 0, batch.stderr
    row, folder = ROWS[1], FOLDERS[1]
    one = run_cli("--content", pack, "--out", str(tmp_path / folder), *_sets(row), *extra)
    assert one.returncode == 0, one.stderr
    single = sorted((tmp_path / folder / pack).glob("*.pdf"))
    assert len(single) == 3
    for pdf in single:
        in_batch = tmp_path / "batch" / pack / folder / pdf.name
        assert in_batch.read_bytes() == pdf.read_bytes(), f"{folder}/{pdf.name} differs from a single build"


def test_products_that_print_no_row_value_are_rendered_once_and_copied(batch_run):
    out, record, rows = batch_run
    assert record["rendered"] == {"dialogue-cards": 3, "sort-cards": 1, "sort-mat": 1, "answer-key": 3,
                                  "worksheet": 3, "results-sheet": 3, "guide": 3}
    folders = [Path(row["sort-cards"]["path"]).parent for row in record["rows"]]
    assert len(set(folders)) == 3 and all(folder.parent == out for folder in folders)
    for name in ("sort-cards.pdf", "sort-mat.pdf"):
        first = (folders[0] / name).read_bytes()
        assert all((folder / name).read_bytes() == first for folder in folders[1:])
    for row, folder in zip(rows, folders):
        assert row["school"] in text(folder / "dialogue-cards.pdf") and row["school"] in text(folder / "guide.pdf")
    # every row reports its copy as built, with its own path and page count
    assert all(row["sort-cards"]["status"] == "built" and row["sort-cards"]["pages"] > 0 for row in record["rows"])


@pytest.mark.parametrize("product", ["dialogue-cards", "answer-key", "worksheet", "guide"])
def test_a_row_lays_out_and_draws_only_its_words(batch_run, product):
    """The first row lays out every page; the others only their words (the
    stamp layer, which is not a page of the product). The pages every row
    shares are drawn into a PDF once; a row draws only its stamped pages'
    words and lays them over that PDF (kit/overlay.py)."""
    _, record, rows = batch_run
    first, second, third = (row[product] for row in record["rows"])
    assert first["pages"] == second["pages"] == third["pages"]
    assert first["laid_out"] >= first["pages"]
    assert second["laid_out"] <= 1 and third["laid_out"] <= 1
    pages, drawn = first["pages"], record["drawn"][product]
    assert drawn.count(pages) == 1 and len(drawn) == 1 + len(rows), drawn
    assert all(count < pages for count in drawn if count != pages)  # a row's words: only its stamped pages
    for row, made in zip(rows, record["rows"]):
        words = text(Path(made[product]["path"]))
        assert contains(words, row["school"]) and contains(words, row["team"]), made[product]["path"]


def test_a_changed_value_renders_again_only_what_prints_it(tmp_path, monkeypatch):
    products = ["sort-cards", "poster", "guide", "worksheet"]
    out = tmp_path / "out"
    rows = [(*row, "13:30") for row in ROWS]
    csv = tmp_path / "schools.csv"

    def batch(rows):
        csv.write_text("school,team,date,start\n" + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
        return _batch_in_process(out, csv, products, monkeypatch)

    batch(rows)
    _, rendered = batch(rows)
    assert rendered == {}  # the copies have records of their own: nothing to do
    rows[1] = (*ROWS[1], "14:00")  # only the guide prints the start time
    results, rendered = batch([*rows, ("De Brug", "Team B", "2027-02-01", "13:30")])
    # the new row's sort cards are copied from a row that has them
    assert rendered == {"guide": 2, "poster": 1, "worksheet": 1}
    status = {line: {r.product: r.status for r in done} for line, done in results.items()}
    assert set(status[2].values()) == set(status[4].values()) == {"cached"}
    assert status[3] == {"sort-cards": "cached", "poster": "cached", "guide": "built", "worksheet": "cached"}
    assert set(status[5].values()) == {"built"}
    new = out / "de-brug-team-b-2027-02-01"
    assert (new / "sort-cards.pdf").read_bytes() == (out / FOLDERS[0] / "sort-cards.pdf").read_bytes()
    assert "14:00" in text(out / FOLDERS[1] / "guide.pdf")


@pytest.mark.parametrize("options", [
    {"duplex": "short", "bleed": 3.0, "low_ink": True},
    {"paper": "letter", "card_size": "a7", "backs": "solid", "sets": 2},
])
def test_sheets_taken_from_the_page_cache_write_the_bytes_of_a_whole_layout(tmp_path, english_pack, options):
    """A row laid out partly from another row's sheets, against the same row laid out whole
    (the English pack's deck: sheets enough for the cache, and the run's batch has the default pack's)."""
    from kit import pagecache
    from kit.build.results import Task
    from kit.build.worker import render_product
    from kit.context import Options
    from kit.pack import load_pack

    loaded = load_pack(english_pack)

    def deck(out: Path, school: str, shared: bool) -> bytes:
        values = (("school", school), ("team", "Team A"), ("date", "2026-12-04"))
        task = Task(loaded, out, "dialogue-cards", Options(values=values, **options), "key", shared_pages=shared)
        result = render_product(task)
        assert result.status == "built", result.message
        return Path(result.path).read_bytes()

    try:
        deck(tmp_path / "first", "De Linde", shared=True)
        spliced = deck(tmp_path / "second", "Het Anker", shared=True)
        assert pagecache._kept is not None and pagecache._kept.hits > 0  # sheets of the first row were used
    finally:
        pagecache.forget()
    whole = deck(tmp_path / "whole", "Het Anker", shared=False)
    assert spliced == whole


def test_a_worker_renders_a_products_rows_together():
    """Each product's rows go to one worker (which lays its common pages out
    once), in the order of the products; with fewer products than workers a
    product's rows are shared out, and a large batch is cut into groups."""
    from kit.batch import GROUP_ROWS, by_product
    from kit.build.results import Task

    def tasks(products, rows):
        return [Task(None, Path(f"row{row}"), product, None, "") for row in range(rows) for product in products]

    assert by_product(tasks(["a", "b", "c"], 3), 2) == [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    assert by_product(tasks(["a"], 5), 2) == [[0, 1, 2], [3, 4]]
    many = by_product(tasks(["a", "b"], GROUP_ROWS + 1), 2)
    assert [len(group) for group in many] == [GROUP_ROWS, 1, GROUP_ROWS, 1]
    assert sorted(index for group in many for index in group) == list(range(2 * (GROUP_ROWS + 1)))


def test_a_batch_with_two_workers_lays_out_each_products_pages_once(tmp_path):
    from kit.batch import build_batch, read_rows
    from kit.context import Options

    products = ["answer-key", "worksheet", "results-sheet"]
    rows = [("De Linde", "Team A", "2026-12-04"), ("De Eiken", "Team B", "2026-12-05"),
            ("De Beuk", "Team C", "2026-12-06"), ("De Es", "Team D", "2026-12-07")]
    results = build_batch(DEFAULT_PACK, tmp_path / "out", products, Options(), read_rows(_csv(tmp_path, rows)), jobs=2)
    made = [result for done in results.values() for result in done]
    assert len(made) == len(products) * len(rows) and all(result.status == "built" for result in made)
    for product in products:
        mine = [result for result in made if result.product == product]
        # the first row's worker lays out every page; the other rows only their words (no page)
        assert sum(result.laid_out >= result.pages for result in mine) == 1, [r.laid_out for r in mine]
