"""LibreOffice Calc as a test reader: open files the way a user does, look at the cells it made.

One ``soffice`` call converts many files (starting LibreOffice costs about a second), with a
private profile in a temporary folder (no clash with another test or a user's LibreOffice) and
a timeout. Debian's ``libreoffice-calc-nogui`` (in ``dev``'s APT_PACKAGES) is enough.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

__all__ = ["SEPARATORS", "Sheet", "convert", "csv_filter", "read_sheet", "soffice"]

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: The separators a user may pick in Calc's text import: name -> character code.
SEPARATORS = {"comma": 44, "semicolon": 59, "tab": 9}
#: Calc's HTML import (what opening an .html file in Calc uses).
HTML_FILTER = "HTML (StarCalc)"


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is missing: run ./dev (it installs libreoffice-calc-nogui)"
    return path


def csv_filter(separator: int) -> str:
    """Calc's text import with ``separator``, ``"`` as quote, UTF-8, from line 1 (the options
    a user gets in the import dialog; formulas are evaluated, as by default)."""
    return f"CSV:{separator},34,76,1"


def convert(
    files: Sequence[Path], outdir: Path, *, infilter: str | None, timeout: float = 120
) -> list[Path]:
    """Open each file in Calc (with ``infilter``) and save it as ODS in ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "profile"
    args = [soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    if infilter:
        args.append(f"--infilter={infilter}")
    args += ["--convert-to", "ods", "--outdir", str(outdir), *map(str, files)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    out = [outdir / (Path(f).stem + ".ods") for f in files]
    missing = [p.name for p in out if not p.exists()]
    assert not missing, f"LibreOffice wrote no {missing}: {done.stdout} {done.stderr}"
    return out


@dataclass
class Sheet:
    """What Calc made of a file: every cell's text, the formulas and the links."""

    cells: list[list[str]]
    formulas: list[str]
    links: int


def _text(cell: ET.Element) -> str:
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == TEXT + "s":
                parts.append(" " * int(child.get(TEXT + "c", "1")))
            elif child.tag == TEXT + "tab":
                parts.append("\t")
            elif child.tag == TEXT + "line-break":
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    for n, paragraph in enumerate(cell.iter(TEXT + "p")):
        if n:
            parts.append("\n")
        walk(paragraph)
    return "".join(parts)


def read_sheet(ods: Path) -> Sheet:
    """The cells, formulas and links of every sheet of an ODS file (its ``content.xml``)."""
    xml = zipfile.ZipFile(ods).read("content.xml")
    root = ET.fromstring(xml)  # noqa: S314 (what LibreOffice wrote from our own files)
    cells, formulas = [], []
    for row in root.iter(TABLE + "table-row"):
        values = []
        for cell in row.iter(TABLE + "table-cell"):
            formula = cell.get(TABLE + "formula")
            if formula:
                formulas.append(formula)
            repeat = int(cell.get(TABLE + "number-columns-repeated", "1"))
            values += [_text(cell)] * min(repeat, 64)
        cells.append(values)
    links = sum(1 for _ in root.iter(TEXT + "a")) + xml.count(b"xlink:href")
    return Sheet(cells, formulas, links)
