"""Errors, problems, limits on time and the small helpers every part of the importer shares."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable

from libstats import formats, quality

Progress = Callable[[float, str], None]
TIME_BUDGET = 300.0                  # seconds reading and checking one file may take (a national return: ~15 s)


class ImporterError(Exception):
    """Something a person must put right; the message says what, in plain words."""


class FileNotUnderstood(ImporterError):
    """The file as a whole cannot be read: not CSV or Excel, no recognisable header, a metric is needed."""


class ImportRefused(ImporterError):
    """An import or undo that would be wrong: problems in the file, warnings without reasons, a stale plan."""


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file that blocks the import, with the spreadsheet row and the column."""
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"{quality._place(self.row, self.column)}{self.message}"


plural = formats.plural     # '1 figure', '2,000 figures': the one way the dashboard counts things in words


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _all_figures(n: int, where: str) -> str:
    """'the 1 figure in the file is', 'all 5 figures in the file are'."""
    return f"the 1 figure {where} is" if n == 1 else f"all {formats.number(n)} figures {where} are"


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


class _Budget:
    """The time a file may take to read and check, looked at between steps: past it, the file is refused."""

    def __init__(self, name: str):
        self.name, self.started = name, time.monotonic()

    def check(self) -> None:
        spent = time.monotonic() - self.started
        if spent > TIME_BUDGET:
            raise FileNotUnderstood(
                f"{self.name} took more than {formats.number(TIME_BUDGET)} seconds to read and check ({formats.number(spent)} s), so it was "
                "stopped and nothing was imported: split it into smaller files, or save a spreadsheet as CSV.")


def column_letter(index: int) -> str:
    """A spreadsheet's name for a column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _either(names: list[str]) -> str:
    """'A', 'A or B', 'A, B or C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
