"""Downloads never carry a live spreadsheet formula."""
import io

import openpyxl
import pandas as pd

from libstats import export

HOSTILE = pd.DataFrame({
    "branch": ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "Crayford"],
    "value": [1.0, -5.0, 3.0, 4.0, 5.0],
})


def test_csv_writes_formula_like_text_as_text():
    text = export.to_csv(HOSTILE).decode("utf-8-sig").splitlines()
    assert text[1].startswith("\"'=HYPERLINK(")
    assert text[2] == "'+1+1,-5.0"              # a negative number stays a number
    assert text[3] == "'-2+3,3.0"
    assert text[4] == "'@SUM(A1),4.0"
    assert text[5] == "Crayford,5.0"


def test_excel_stores_formula_like_text_as_plain_text():
    book = openpyxl.load_workbook(io.BytesIO(export.to_excel(HOSTILE, "Crayford")))
    sheet = book["Crayford"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK(")
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "+1+1"
    assert sheet["B3"].value == -5
    assert sheet.freeze_panes == "A2"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_parquet_keeps_types_and_neutralises_text():
    table = pd.read_parquet(io.BytesIO(export.to_parquet(HOSTILE)))
    assert table["value"].tolist() == [1.0, -5.0, 3.0, 4.0, 5.0]
    assert table["branch"].tolist()[1:] == ["'+1+1", "'-2+3", "'@SUM(A1)", "Crayford"]


def test_the_full_export_labels_a_split_of_a_published_total_as_such(seed_db):
    """The old export called 3,744 branch-month rows of published years 'published'
    (Bexley,Crayford,2015-04-01,…,visits,9146.0,published): only the borough totals are."""
    from libstats import db
    database = db.Database(seed_db, read_only=True)
    try:
        frame = export.with_source(database.run("all_figures"))
    finally:
        database.close()
    branch_rows = frame[frame["branch"].notna()]
    assert not (branch_rows["provenance"] == "published").any()
    crayford = branch_rows[(branch_rows["branch"] == "Crayford") & (branch_rows["metric"] == "visits")
                           & (branch_rows["month"].astype(str).str.startswith("2015-04"))].iloc[0]
    assert (crayford["provenance"], crayford["source"]) == ("split", "a published total, its split by branch and month modelled")
    text = export.to_csv(frame).decode("utf-8-sig")
    assert ",split,a published total, its split by branch and month modelled" not in text   # quoted: it has commas
    assert '"a published total, its split by branch and month modelled"' in text
    annual = frame[frame["branch"].isna() & (frame["metric"] == "active_borrowers") & (frame["fy"] == "2015-16")]
    assert set(annual["provenance"]) == {"published"}
