"""Reading a written PDF back as a user would: its text (pdftotext) and its pages as images (pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")


def pages(pdf: Path) -> int:
    """Page count: pdfinfo's, or without poppler the root page tree's /Count (matplotlib writes it plainly)."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    counts = [int(m.group(1)) for m in re.finditer(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf.read_bytes())]
    assert counts, f"{pdf.name}: no page tree found"
    return max(counts)


def text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def render(pdf: Path, page: int, out_prefix: Path, dpi: int = 60) -> Path:
    """One page as a PNG (what the reviewer of the report looks at)."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(out_prefix)], check=True)
    return out_prefix.with_suffix(".png")
