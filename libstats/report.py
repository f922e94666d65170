"""The board pack: the annual appraisal as one self-contained HTML file or an A4 PDF. No Streamlit."""
from __future__ import annotations

import datetime as dt
import html
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from libstats import appraisal

Progress = Callable[[float, str], None]
TITLE = "Bexley and Bromley Libraries: annual appraisal {fy}"
MODELLED_NOTE = ("Published figures come from the CIPFA returns (2015-16 for both boroughs, 2016-17 for Bexley) and are "
                 "reproduced exactly; every other figure, and every split of a published total by month or branch, is "
                 "a modelled estimate.")

CSS = """
body { font-family: 'Liberation Sans', Arial, 'DejaVu Sans', sans-serif; color: #1f1f1f; max-width: 1100px;
       margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 2rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #0072B2; }
nav ol { columns: 2; } table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .92rem; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f5f8; } figure { margin: 1.5rem 0; } figcaption { font-size: .95rem; }
.commentary { background: #fff8e6; border-left: 4px solid #E69F00; padding: .6rem 1rem; white-space: pre-wrap; }
.note { color: #555; font-size: .9rem; }
"""


def _progress(progress: Progress | None, fraction: float, what: str) -> None:
    if progress:
        progress(fraction, what)


def build_html(report: appraisal.Appraisal, commentary: dict[str, str] | None = None,
               progress: Progress | None = None) -> str:
    """One HTML file with plotly.js inside it once, so it opens from an email on an offline laptop."""
    commentary = commentary or {}
    esc = html.escape
    title = TITLE.format(fy=report.fy)
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>",
             f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{CSS}</style>",
             f"<script>{get_plotlyjs()}</script></head><body>",
             f"<header><h1>{esc(title)}</h1><p>For the stakeholder board. Built {dt.date.today():%d %B %Y}.</p>",
             f"<p class='note'>{esc(MODELLED_NOTE)}</p></header>",
             "<nav aria-label='Contents'><h2>Contents</h2><ol>"]
    parts += [f"<li><a href='#{s.key}'>{esc(s.title)}</a></li>" for s in report.sections]
    parts.append("</ol></nav>")
    total = len(report.sections)
    for i, section in enumerate(report.sections):
        _progress(progress, i / total, f"Writing {section.title}")
        parts.append(f"<section id='{section.key}'><h2>{esc(section.title)}</h2>")
        parts += [f"<p>{esc(s)}</p>" for s in section.sentences]
        if commentary.get(section.key):
            parts.append(f"<div class='commentary'><strong>Head of service:</strong>\n{esc(commentary[section.key])}</div>")
        for name, table in section.tables:
            parts.append(f"<h3>{esc(name)}</h3>" + table.to_html(index=False, escape=True, border=0, na_rep=""))
        for key, figure, summary, data in section.charts:
            chart = pio.to_html(figure, full_html=False, include_plotlyjs=False, div_id=key,
                                config={"displaylogo": False, "responsive": True})
            parts.append(f"<figure>{chart}<figcaption>{esc(summary)}</figcaption>"
                         f"<details><summary>The numbers behind this chart</summary>"
                         f"{data.to_html(index=False, escape=True, border=0, na_rep='')}</details></figure>")
        parts.append("</section>")
    parts.append("</body></html>")
    _progress(progress, 1.0, "HTML pack ready")
    return "".join(parts)


# fpdf2's built-in fonts are Latin-1: say the same thing in Latin-1 rather than depend on a font file.
_LATIN1 = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "◆": "*",
                         "✓": "", "⚠": "!", "→": "->", "−": "-", "×": "x", "≥": ">=", "≤": "<="})


def _latin1(text: object) -> str:
    return str(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def build_pdf(report: appraisal.Appraisal, commentary: dict[str, str] | None = None,
              progress: Progress | None = None) -> bytes:
    """An A4 PDF: cover, contents, each section with its charts as images and tables that never split a row."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    commentary = commentary or {}
    figures = [(key, fig) for s in report.sections for key, fig, _, _ in s.charts]
    _progress(progress, 0.05, f"Drawing {len(figures)} charts")
    with tempfile.TemporaryDirectory() as tmp:
        paths = {key: str(Path(tmp) / f"{key}.png") for key, _ in figures}
        heights = {key: int(fig.layout.height or 460) for key, fig in figures}
        if figures:
            pio.write_images([f for _, f in figures], [paths[k] for k, _ in figures], width=1000,
                             height=[heights[k] for k, _ in figures], scale=2)
        _progress(progress, 0.6, "Laying out the pages")

        class Pack(FPDF):
            def footer(self):
                self.set_y(-12)
                self.set_font("Helvetica", size=8)
                self.set_text_color(90)
                self.cell(0, 6, _latin1(f"{TITLE.format(fy=report.fy)} - page {self.page_no()} of {{nb}}"), align="C")

        pdf = Pack(format="A4", unit="mm")
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_title(_latin1(TITLE.format(fy=report.fy)))
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 22)
        pdf.multi_cell(0, 11, _latin1(TITLE.format(fy=report.fy)))
        pdf.set_font("Helvetica", size=12)
        pdf.ln(4)
        pdf.multi_cell(0, 6, _latin1(f"For the stakeholder board. Built {dt.date.today():%d %B %Y}."))
        pdf.ln(3)
        pdf.set_font("Helvetica", "I", 10)
        pdf.multi_cell(0, 5, _latin1(MODELLED_NOTE))
        pdf.add_page()
        pdf.insert_toc_placeholder(_contents, pages=1)      # reserves this page and moves on to a fresh one
        width = pdf.epw
        for i, section in enumerate(report.sections):
            _progress(progress, 0.6 + 0.4 * i / len(report.sections), f"Writing {section.title}")
            if i:
                pdf.add_page()
            pdf.start_section(_latin1(section.title))
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 9, _latin1(section.title))
            pdf.ln(2)
            pdf.set_font("Helvetica", size=10.5)
            for sentence in section.sentences:
                pdf.multi_cell(0, 5.5, _latin1(sentence))
                pdf.ln(1.5)
            if commentary.get(section.key):
                pdf.set_fill_color(255, 248, 230)
                pdf.set_font("Helvetica", "I", 10.5)
                pdf.multi_cell(0, 5.5, _latin1("Head of service: " + commentary[section.key]), fill=True)
                pdf.ln(2)
            for key, _, summary, _ in section.charts:
                image_height = min(width * heights[key] / 1000, pdf.eph - 20)
                if pdf.will_page_break(image_height + 14):
                    pdf.add_page()
                pdf.image(paths[key], h=image_height, keep_aspect_ratio=True, w=width)
                pdf.set_font("Helvetica", "I", 9)
                pdf.multi_cell(0, 4.5, _latin1(summary))
                pdf.ln(2)
            for name, table in section.tables:
                _table(pdf, FontFace, name, table)
        _progress(progress, 1.0, "PDF pack ready")
        return bytes(pdf.output())


def _contents(pdf, outline) -> None:
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    for entry in outline:
        pdf.cell(pdf.epw - 20, 8, _latin1(entry.name))
        pdf.cell(20, 8, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def _table(pdf, FontFace, name: str, table: pd.DataFrame) -> None:
    """A table that fits the page width; fpdf2 moves a row that would not fit to the next page whole."""
    if table.empty:
        return
    pdf.set_font("Helvetica", "B", 11)
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.multi_cell(0, 6, _latin1(name))
    # A column is as wide as its longest value (headings wrap at spaces), within limits.
    longest = [max(round(max(len(w) for w in str(c).split()) * 1.3), *(len(str(v)) for v in table[c])) for c in table.columns]
    weights = [min(max(n, 7), 55) for n in longest]
    pdf.set_font("Helvetica", size=8 if len(table.columns) > 5 else 9)
    with pdf.table(col_widths=weights, width=pdf.epw, line_height=4.6, repeat_headings=1,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(242, 245, 248))) as grid:
        grid.row([_latin1(c) for c in table.columns])
        for values in table.itertuples(index=False):
            grid.row(["" if pd.isna(v) else _latin1(v) for v in values])
    pdf.ln(3)
