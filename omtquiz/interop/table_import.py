"""Tables of terms and definitions turned into omtquiz decks: Quizlet's TSV export (a term,
a tab and a definition per line) or a CSV, with or without a header row. Each row becomes a
basic card whose id is made from its term.
"""

from __future__ import annotations

import csv
from pathlib import Path

from omtquiz.interop import import_limits as limits
from omtquiz.interop.imported import (
    Imported,
    ImportFailed,
    card_id_from,
    clean_tags,
    escape_markdown,
)

MAX_TABLE_BYTES = 64 * 1024**2


_HEADERS_FRONT = ("term", "front", "question", "word", "prompt")


_HEADERS_BACK = ("definition", "back", "answer", "meaning", "response")


def _rows(text: str, tab: bool, imported: Imported, name: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty row, each cell and the row count capped."""
    limits.check_table_text(text, name)
    rows: list[tuple[int, list[str]]] = []
    if not tab:
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;")
        except csv.Error:
            dialect = csv.excel
        for start, row in limits.csv_rows(text, dialect, name):
            if any(cell.strip() for cell in row):
                rows.append((start, row))
                limits.check_row_count(len(rows), name)
        return rows
    joined: dict[int, list[str]] = {}  # row index -> lines that continue its last cell
    for number, line in enumerate(text.splitlines(), 1):
        limits.check_cell(line, f"{name}:{number}")
        if not line.strip():
            continue
        if "\t" in line or not rows:
            rows.append((number, line.split("\t")))
            limits.check_row_count(len(rows), name)
        else:  # Quizlet writes a definition's line breaks as they are: this line continues it
            joined.setdefault(len(rows) - 1, [rows[-1][1][-1]]).append(line)
            imported.problem("lines without a tab were joined to the definition above them",
                             f"line {number}")
    for index, lines in joined.items():  # joined once: += in the loop was quadratic
        rows[index][1][-1] = "\n\n".join(lines)
        limits.check_cell(rows[index][1][-1], f"{name}:{rows[index][0]}")
    return rows


def read_table(path: Path) -> Imported:
    """Term and definition rows (Quizlet's TSV, or a CSV with or without a header row)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_TABLE_BYTES:
        raise ImportFailed(f"{path.name} is larger than {MAX_TABLE_BYTES // 2**20} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path.name} is not UTF-8 (byte {exc.start}); save it as UTF-8 "
                           "and import again") from None
    first = text.split("\n", 1)[0]
    tab = path.suffix.lower() == ".tsv" or (path.suffix.lower() != ".csv" and "\t" in first)
    imported = Imported(title=path.stem, origin=f"{'TSV' if tab else 'CSV'} file {path.name}")
    rows = _rows(text, tab, imported, path.name)
    if not rows:
        raise ImportFailed(f"{path.name} holds no rows")
    header = [cell.strip().casefold() for cell in rows[0][1]]
    front_col, back_col, tags_col = 0, 1, None
    has_header = any(name in _HEADERS_FRONT + _HEADERS_BACK for name in header)
    if has_header:
        front_col = next((i for i, n in enumerate(header) if n in _HEADERS_FRONT), 0)
        back_col = next((i for i, n in enumerate(header) if n in _HEADERS_BACK), 1)
        tags_col = next((i for i, n in enumerate(header) if n == "tags"), None)
        for i, name in enumerate(header):
            if i not in (front_col, back_col, tags_col) and name:
                imported.problem(f"column '{limits.shown(rows[0][1][i].strip())}' was not "
                                 "converted", "")
        rows = rows[1:]
    taken = limits.UniqueNames()
    for number, row in rows:
        cells = [cell.strip() for cell in row]
        where = f"line {number}"
        front = cells[front_col] if front_col < len(cells) else ""
        back = cells[back_col] if back_col < len(cells) else ""
        if not front or not back:
            imported.problem("rows without both a term and a definition were left out", where)
            continue
        if not has_header and any(cells[2:]):
            imported.problem("cells beyond the term and the definition were not converted",
                             where)
        card: dict = {"id": card_id_from(front, taken), "front": escape_markdown(front),
                      "back": escape_markdown(back)}
        if tags_col is not None and tags_col < len(cells):
            tags = clean_tags(cells[tags_col].split(), imported, where)
            if tags:
                card["tags"] = tags
        imported.cards.append(card)
    return imported
