"""Reading a camera file (.xlsx or CSV) into rows for `services.cameras_import`.

The register of a city's 雪亮工程 runs to about 100,000 points, more than the general spreadsheet reader
allows by default (made for region and staff lists); cameras use the same reader with a higher limit."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from pingan.regions.services import read_table

MAX_ROWS = 200_000


def read_camera_file(file: str | Path | IO[bytes]) -> list[dict[str, str]]:
    """Rows of the first sheet of an .xlsx file, or of a CSV file, keyed by the header texts."""
    return read_table(file, max_rows=MAX_ROWS, field="file")
