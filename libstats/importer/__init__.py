"""Importing monthly returns: read a file, check it, show what it would change, write it, undo it. No Streamlit.

The upload page and `python -m libstats import` share this API:

    parsed = read_file(name, content, metric=None)      # raises FileNotUnderstood for an unreadable file
    plan = validate(db, parsed)                          # problems (block), warnings (need reasons), diff
    result = apply(db, plan, reasons, actor, name, parsed.checksum)    # actor: who asks (libstats.auth.Actor)
    undo(db, result.import_id, actor)

Both check, inside their own transaction, that the actor's account may do it (a librarian only figures of
their boroughs or branches, and only their own imports undone) and write the audit row in it.

The parts, each importing only those before it:
    common    errors, Problem, plural, the time budget
    layouts   the accepted layouts: told apart by the header row, each one's parser
    reading   read_file: CSV (a quick column-by-column path for the long layout) and .xlsx, within limits
    names     the Catalogue a file is checked against; branch, borough, metric and month names; open months
    checks    every record's names, months and values, figures given twice, closed months, the diff
    plan      validate() and the Plan it gives
    write     apply(), undo(), the import history
"""
from __future__ import annotations

import sys
import types

from libstats.importer import checks, common, layouts, names, plan, reading, write
from libstats.importer.checks import CEILING, SUGGESTED, WHOLE_UNITS
from libstats.importer.common import (
    TIME_BUDGET,
    FileNotUnderstood,
    ImporterError,
    ImportRefused,
    Problem,
    Progress,
    checksum_of,
    column_letter,
    plural,
)
from libstats.importer.layouts import BLANKS, EXPECTED_HEADERS, SHAPE_LABELS, loan_metric, parse_date
from libstats.importer.names import Catalogue, open_spans, parse_month, resolve_borough, resolve_branch, resolve_metric
from libstats.importer.plan import Plan, Warning, scope_refusal, validate
from libstats.importer.reading import (
    MAX_CELL,
    MAX_ROWS,
    MAX_SHEET_CELLS,
    MAX_UNZIPPED,
    ParsedFile,
    _read_long_csv,
    read_file,
)
from libstats.importer.write import ImportResult, UndoResult, apply, changes_of, history, reasons_of, undo

__all__ = ["BLANKS", "CEILING", "EXPECTED_HEADERS", "MAX_CELL", "MAX_ROWS", "MAX_SHEET_CELLS", "MAX_UNZIPPED",
           "SHAPE_LABELS", "SUGGESTED", "TIME_BUDGET", "WHOLE_UNITS", "Catalogue", "FileNotUnderstood", "ImportRefused",
           "ImportResult", "ImporterError", "ParsedFile", "Plan", "Problem", "Progress", "UndoResult", "Warning",
           "_read_long_csv", "apply", "changes_of", "checksum_of", "column_letter", "history", "loan_metric",
           "open_spans", "parse_date", "parse_month", "plural", "read_file", "reasons_of", "resolve_borough",
           "resolve_branch", "resolve_metric", "scope_refusal", "undo", "validate"]

_PARTS = (common, layouts, reading, names, checks, plan, write)


class _Package(types.ModuleType):
    """Setting a name on the package sets it in the part it lives in, too.

    `monkeypatch.setattr(importer, "TIME_BUDGET", 0.0)` (or MAX_SHEET_CELLS, _read_long_csv, …) then changes
    what the importer does, as it did when the importer was one module: each part that holds the same object
    under that name is given the new one."""

    def __setattr__(self, name: str, value) -> None:
        old = self.__dict__.get(name, _PARTS)
        if old is not _PARTS and not isinstance(old, types.ModuleType):
            for part in _PARTS:
                if part.__dict__.get(name, _PARTS) is old:
                    setattr(part, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
