"""Our plan files through a real LibreOffice (Debian's libreoffice-calc, headless), as the
agency's people open and save them: our ODS saved as xlsx, our xlsx saved as ODS, then imported
again, give the same plan. Sheets with merged cells, and a sheet with bad rows, saved across by
LibreOffice, read the same rows and the same errors in either format.

The conversions do not touch the database, so this runs once, on the SQLite pass of
`make test`, and is skipped on the PostgreSQL one. soffice runs with a profile and a HOME of
its own in a temporary folder (runs sharing a profile at the same time fail without a word),
and within a time limit.
"""

import io
from dataclasses import replace

import pytest

from plan.selectors import version_changes, version_tree
from plan.services import PlanImportError, load_seed_plan, revise_plan
from plan.xlsx import export_version, export_version_ods, import_spreadsheet, read_rows
from tests.support.libreoffice import convert, needs_libreoffice, sqlite_pass  # noqa: F401
from tests.support.plan_files import MERGED_ROWS, MERGES, bad_rows, canonical, merged_ods, with_lines, xlsx_of

pytestmark = [pytest.mark.django_db, *needs_libreoffice]


def errors_of(data):
    with pytest.raises(PlanImportError) as raised:
        read_rows(io.BytesIO(data))
    return raised.value.messages


def test_our_files_saved_by_libreoffice_import_as_the_same_plan(sqlite_pass, org, person, tmp_path):
    tracking = person("tracking")
    seeded = load_seed_plan()
    rows = version_tree(seeded).rows()
    # Text a spreadsheet could take for a formula, several lines, runs of spaces.
    rows[0] = replace(rows[0], practice_text='=HYPERLINK("http://evil.invalid","點我")')
    rows[1] = replace(rows[1], practice_text="@SUM(1+1) 自助借書", deadline_text="-1+2")
    rows[2] = replace(rows[2], practice_text="第一行\n第二行  兩個空白")
    version = revise_plan(actor=tracking, plan=seeded.plan, rows=rows, note="LibreOffice 來回")
    expected = canonical(version_tree(version).rows())

    sources, to_xlsx, to_ods = (tmp_path / name for name in ("in", "to_xlsx", "to_ods"))
    sources.mkdir()
    files = {
        "plan.ods": export_version_ods(version),
        "plan.xlsx": export_version(version),
        "merged.ods": merged_ods(),
        "merged.xlsx": xlsx_of(MERGED_ROWS, merges=MERGES, blank_rows=2),
        "bad.xlsx": xlsx_of(bad_rows()),
    }
    for name, data in files.items():
        (sources / name).write_bytes(data)
    saved_as_xlsx = convert([sources / "plan.ods", sources / "merged.ods"], "xlsx", to_xlsx, tmp_path)
    saved_as_ods = convert(
        [sources / "plan.xlsx", sources / "merged.xlsx", sources / "bad.xlsx"], "ods", to_ods, tmp_path
    )

    # Our ODS saved as xlsx, our xlsx saved as ODS: the same rows, on the same lines, as ours.
    ours = with_lines(read_rows(io.BytesIO(files["plan.xlsx"])))
    for data in (saved_as_xlsx["plan"], saved_as_ods["plan"]):
        back = read_rows(io.BytesIO(data))
        assert with_lines(back) == ours
        assert canonical(back) == expected
        assert (
            back[0].practice_text.startswith("=HYPERLINK")
            and back[2].practice_text == "第一行\n第二行  兩個空白"
        )
    # … and imported again, the same plan: a new version with nothing changed.
    for number, data in ((3, saved_as_xlsx["plan"]), (4, saved_as_ods["plan"])):
        again = import_spreadsheet(
            actor=tracking, fileobj=io.BytesIO(data), roc_year=102, title="", note="再匯入"
        )
        assert again.number == number and version_changes(version, again).unchanged

    # Merged cells as LibreOffice writes them in either format read as the xlsx with merges.
    merged = with_lines(read_rows(io.BytesIO(files["merged.xlsx"])))
    assert with_lines(read_rows(io.BytesIO(saved_as_ods["merged"]))) == merged
    assert with_lines(read_rows(io.BytesIO(saved_as_xlsx["merged"]))) == merged
    # Bad rows: the same errors, row by row, from the xlsx and from LibreOffice's ODS of it.
    assert errors_of(saved_as_ods["bad"]) == errors_of(files["bad.xlsx"])
    assert len(errors_of(files["bad.xlsx"])) == 4
