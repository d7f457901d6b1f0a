"""Text attributes of a GeoPackage or Shapefile as the file holds them, where GDAL would
cut them short.

GDAL (and so pyogrio) ends a string at NUL: "Zisterne\\0 Schule" reads as "Zisterne", and
an import would store a silently shortened title that the API refuses (422). The file's
own bytes are read here, only for the text cells that hold a NUL, so that the import's
checks see the whole text and refuse it, naming the feature and the field.
"""

from __future__ import annotations

import codecs
import sqlite3
import struct
from pathlib import Path

# (feature id as GDAL numbers it, field name) -> the whole text, NUL included.
CutTexts = dict[tuple[int, str], str]


def texts_with_nul(path: Path, layer: str | None, fields: list[str]) -> CutTexts:
    """Every text cell of `fields` in a GeoPackage or Shapefile that holds a NUL."""
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        return _geopackage(path, layer, fields)
    if suffix in (".shp", ".dbf"):
        return _dbase(path.with_suffix(".dbf"), fields)
    return {}


def _geopackage(path: Path, layer: str | None, fields: list[str]) -> CutTexts:
    # Read-only, never creating a file: the import only reads what it was given.
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid"
            )
        ]
        table = layer if layer in tables else (tables[0] if tables else None)
        if table is None:
            return {}
        columns = {row[1] for row in db.execute(f'PRAGMA table_info("{_quoted(table)}")')}
        found: CutTexts = {}
        for name in (f for f in fields if f in columns):
            column = _quoted(name)
            # The feature id is the table's INTEGER PRIMARY KEY, which is the rowid.
            rows = db.execute(
                f'SELECT rowid, CAST("{column}" AS BLOB) FROM "{_quoted(table)}"'
                f" WHERE typeof(\"{column}\") = 'text'"
                f" AND instr(CAST(\"{column}\" AS BLOB), x'00') > 0"
            )
            for fid, raw in rows:
                found[(int(fid), name)] = bytes(raw).decode("utf-8", errors="replace")
        return found


def _quoted(identifier: str) -> str:
    return identifier.replace('"', '""')


def _dbase(path: Path, fields: list[str]) -> CutTexts:
    """The dBASE table of a Shapefile: fixed-width records, text fields padded with
    spaces (some writers pad with NUL, which is no text and is left alone)."""
    if not path.exists():
        return {}
    data = path.read_bytes()
    if b"\x00" not in data[32:]:
        return {}
    count, header_size, record_size = struct.unpack_from("<IHH", data, 4)
    encoding = _dbase_encoding(path)
    layout: list[tuple[str, int, int]] = []  # (name, offset in record, width) of text fields
    offset, at = 1, 32  # each record starts with its deletion flag
    while at + 32 <= header_size and data[at] != 0x0D:
        name = data[at : at + 11].split(b"\x00", 1)[0].decode("ascii", errors="replace")
        kind, width = chr(data[at + 11]), data[at + 16]
        if kind == "C" and name in fields:
            layout.append((name, offset, width))
        offset += width
        at += 32
    found: CutTexts = {}
    for fid in range(count):
        start = header_size + fid * record_size
        record = data[start : start + record_size]
        if len(record) < record_size or record[:1] == b"*":  # cut file, deleted record
            continue
        for name, field_offset, width in layout:
            cell = record[field_offset : field_offset + width].rstrip(b" \x00")
            if b"\x00" in cell:
                found[(fid, name)] = cell.decode(encoding, errors="replace")
    return found


def _dbase_encoding(path: Path) -> str:
    """The encoding a `.cpg` beside the table names (GDAL writes UTF-8 and says so)."""
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        name = cpg.read_text(encoding="ascii", errors="replace").strip().lower()
        try:
            return "utf-8" if name in ("utf-8", "utf8", "65001") else codecs.lookup(name).name
        except LookupError:
            pass
    return "latin-1"
