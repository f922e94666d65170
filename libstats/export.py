"""Downloads: CSV and Excel with spreadsheet formulas neutralised. No Streamlit."""
from __future__ import annotations

import io

import pandas as pd

# A cell a spreadsheet would read as a formula (OWASP CSV injection): written as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def with_source(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures (with a provenance code column) with the provenance in words beside it, as the pages say it:
    'published', 'a published total, its split by branch and month modelled', 'modelled estimate' …"""
    from libstats import provenance as prov
    if "provenance" not in frame:
        return frame
    words = {code: prov.words(code) for code in frame["provenance"].dropna().unique()}
    return frame.assign(source=frame["provenance"].map(words))


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that start like a formula get a leading apostrophe; numbers and dates are untouched."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in out[column]]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens pound signs and accents right."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel(frame: pd.DataFrame, sheet: str = "Figures") -> bytes:
    """One worksheet, header frozen; a text cell that looks like a formula is stored as text, as typed."""
    buffer = io.BytesIO()
    name = sheet[:31]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=name)
        worksheet = writer.sheets[name]
        worksheet.freeze_panes = "A2"
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"      # openpyxl would otherwise store '=…' as a formula
    return buffer.getvalue()


EXCEL_MAX_ROWS = 1_048_575       # one sheet's rows, less the header


def to_parquet(frame: pd.DataFrame) -> bytes:
    """Parquet (pyarrow), compressed, types kept: for analysts and other tools."""
    buffer = io.BytesIO()
    neutralise(frame).to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()
