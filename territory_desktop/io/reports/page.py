"""A printed page drawn with matplotlib's object API (a `Figure`, never pyplot): positions in inches from the
top-left corner, as a page is laid out, plus the pieces every report repeats — title block, section headings,
tables that continue over pages, the footer with "page 2 of 9".

Table cells are not matplotlib `Text` artists: a `Text` costs ~0.7 ms to lay out and draw, and a 10k-account
plan has ~100k cells. `Cells` is one artist per page that hands every cell straight to the renderer at its
baseline (cut to its column with "…" measured by the renderer's own font metrics), several times faster and
exact to the point; multi-line texts would be faster still but shift a row with a tall accented capital.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from territory_desktop.io.reports import style as S


@dataclass(frozen=True)
class Column:
    """One table column: header, width in inches, alignment ("left" / "right" / "center")."""

    header: str
    width: float
    align: str = "left"


class Cells(Artist):
    """Short texts at exact page positions, drawn directly by the renderer (see the module docstring)."""

    def __init__(self, page_height: float) -> None:
        super().__init__()
        self.page_height = page_height
        self.items: list[tuple[float, float, str, float, str, str, bool, float]] = []
        """(x in, baseline y in from top, text, size, colour, ha, bold, max width in; 0 = no limit)."""
        self.set_zorder(3)

    def add(self, x: float, y: float, text: str, size: float, color: str, ha: str, bold: bool,
            max_width: float) -> None:
        if text:
            self.items.append((x, y, text, size, color, ha, bold, max_width))

    def draw(self, renderer: Any) -> None:
        dpi = self.get_figure(root=True).dpi
        top = self.page_height * dpi
        gc = renderer.new_gc()
        inner = getattr(renderer, "_renderer", renderer)  # savefig's MixedModeRenderer wraps the PDF renderer
        pen = _PdfPen(inner, gc) if _PdfPen.usable(inner) else _Pen(renderer, gc)
        pen.dpi = dpi
        for x, y, text, size, fg, ha, bold, max_width in self.items:
            font = pen.font(size, bold)
            width = pen.width(text, font)
            if max_width and width > max_width * dpi:
                text, width = _cut(pen, text, font, max_width * dpi)
            px = x * dpi - (width if ha == "right" else width / 2 if ha == "center" else 0.0)
            pen.draw(px, top - y * dpi, text, font, fg)
        gc.restore()


class _Pen:
    """Any renderer: matplotlib's own text drawing and measuring (the slow, general path)."""

    def __init__(self, renderer: Any, gc: Any) -> None:
        self.renderer, self.gc = renderer, gc
        self.dpi = 72.0
        self._props: dict[tuple[float, bool], Any] = {}

    def font(self, size: float, bold: bool) -> Any:
        key = (size, bold)
        if key not in self._props:
            self._props[key] = FontProperties(size=size, weight="bold" if bold else "normal")
        return self._props[key]

    def width(self, text: str, font: Any) -> float:
        return float(self.renderer.get_text_width_height_descent(text, font, ismath=False)[0])

    def draw(self, x: float, y: float, text: str, font: Any, color: str) -> None:
        self.gc.set_foreground(color)
        self.renderer.draw_text(self.gc, x, y, text, font, 0.0, ismath=False)


class _PdfPen(_Pen):
    """The PDF renderer with embedded TrueType (Type 42) fonts: each cell is one text-show operator, measured
    from the font's advance widths — no per-glyph kerning layout, which is what makes matplotlib's own
    `draw_text` cost ~0.5 ms a cell. Text with a character the font lacks takes the general path (matplotlib
    then finds a fallback font). Uses the PDF backend's file writer, so it checks what it needs first."""

    @staticmethod
    def usable(renderer: Any) -> bool:
        import matplotlib
        from matplotlib.backends import backend_pdf

        return (isinstance(renderer, backend_pdf.RendererPdf) and matplotlib.rcParams["pdf.fonttype"] in (3, 42)
                and not matplotlib.rcParams["pdf.use14corefonts"]
                and all(hasattr(renderer, a) for a in ("file", "_get_font_ttf", "_setup_textpos", "encode_string",
                                                        "check_gc"))
                and hasattr(renderer.file, "_character_tracker"))

    def __init__(self, renderer: Any, gc: Any) -> None:
        import matplotlib
        from matplotlib.backends.backend_pdf import Op

        super().__init__(renderer, gc)
        self.op = Op
        self.fonttype = int(matplotlib.rcParams["pdf.fonttype"])
        self._color: str | None = None
        self._fonts: dict[int, tuple[Any, Any, dict[str, float], set[int], set[int]]] = {}

    def _entry(self, prop: Any) -> tuple[Any, Any, dict[str, float], frozenset[int], set[int]]:
        key = id(prop)
        if key not in self._fonts:
            ft = self.renderer._get_font_ttf(prop)
            charmap, widths = _font_tables(ft.fname, prop.get_size_in_points())
            used = self.renderer.file._character_tracker.used.setdefault(ft.fname, set())
            self._fonts[key] = (ft, self.renderer.file.fontName(ft.fname), widths, charmap, used)
        return self._fonts[key]

    def _simple(self, text: str, prop: Any) -> bool:
        """Drawable as one string in the font: printable, in the font, and for Type 3 one byte per character."""
        if text.isascii():
            return text.isprintable()
        if self.fonttype == 3:
            return all(160 <= ord(c) < 256 or " " <= c <= "~" for c in text)
        return text.isprintable() and all(ord(c) in self._entry(prop)[3] for c in text)

    def width(self, text: str, font: Any) -> float:
        widths = self._entry(font)[2]
        try:
            return sum(map(widths.__getitem__, text)) * self.dpi / 72
        except KeyError:
            pass
        ft, _name, _w, charmap, _used = self._entry(font)
        if not all(ord(c) in charmap for c in text):
            return super().width(text, font)
        from matplotlib.ft2font import LoadFlags

        ft.set_size(font.get_size_in_points(), 72)
        for c in set(text) - widths.keys():
            widths[c] = ft.load_char(ord(c), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536
        return sum(map(widths.__getitem__, text)) * self.dpi / 72

    def draw(self, x: float, y: float, text: str, font: Any, color: str) -> None:
        if text.endswith("…") and len(text) > 1 and self._simple(text[:-1], font):
            # a cut cell: the text the fast way, only the ellipsis through matplotlib (Type 3 has no byte for it)
            self.draw(x, y, text[:-1], font, color)
            super().draw(x + self.width(text[:-1], font), y, "…", font, color)
            self._color = None
            return
        if not self._simple(text, font):
            super().draw(x, y, text, font, color)
            self._color = None
            return
        _ft, name, _w, _cmap, used = self._entry(font)
        used.update(map(ord, text))
        if color != self._color:
            self.gc.set_foreground(color)
            self.renderer.check_gc(self.gc, self.gc._rgb)
            self._color = color
        f, op = self.renderer.file, self.op
        f.output(op.begin_text, name, font.get_size_in_points(), op.selectfont)
        self.renderer._setup_textpos(x, y, 0)
        f.output(self.renderer.encode_string(text, self.fonttype), op.show, op.end_text)


_TABLES: dict[tuple[str, float], tuple[frozenset[int], dict[str, float]]] = {}


def _font_tables(fname: str, size: float) -> tuple[frozenset[int], dict[str, float]]:
    """(code points the font has, advance widths in points at `size` filled as met), shared by every page."""
    key = (fname, size)
    if key not in _TABLES:
        from matplotlib.ft2font import FT2Font

        _TABLES[key] = (frozenset(FT2Font(fname).get_charmap()), {})
    return _TABLES[key]


def _cut(pen: _Pen, text: str, font: Any, room: float) -> tuple[str, float]:
    """The longest prefix of `text` that fits `room` pixels with "…" after it (bisection on the length)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pen.width(text[:mid].rstrip() + "…", font) <= room:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo].rstrip() + "…"
    return cut, pen.width(cut, font)


class Page:
    """One page: a Figure of the page size; coordinates in inches, y measured down from the top edge."""

    def __init__(self, size: tuple[float, float] = S.LETTER) -> None:
        self.width, self.height = size
        self.fig = Figure(figsize=size, dpi=100, facecolor=S.PAPER)
        self.cells = Cells(self.height)
        self.fig.add_artist(self.cells)

    # coordinates
    def _fx(self, x: float) -> float:
        return x / self.width

    def _fy(self, y: float) -> float:
        return 1.0 - y / self.height

    def text(self, x: float, y: float, s: str, size: float = S.BODY_SIZE, color: str = S.INK,
             weight: str = "normal", ha: str = "left") -> None:
        """One line of text whose baseline is at y (drawn with the table cells: see the module docstring)."""
        self.cells.add(x, y, s, size, color, ha, weight == "bold", 0.0)

    def rect(self, x: float, y: float, w: float, h: float, color: str, **kw: Any) -> None:
        """A filled box whose top-left corner is (x, y)."""
        self.fig.patches.append(Rectangle((self._fx(x), self._fy(y + h)), w / self.width, h / self.height,
                                          transform=self.fig.transFigure, facecolor=color, edgecolor="none",
                                          **kw))

    def line(self, x0: float, x1: float, y: float, color: str = S.RULE, width: float = 0.6) -> None:
        self.rect(x0, y - width / 144, x1 - x0, width / 72, color)

    def axes(self, x: float, y: float, w: float, h: float) -> Axes:
        return self.fig.add_axes((self._fx(x), self._fy(y + h), w / self.width, h / self.height))

    # pieces every report repeats
    def title_block(self, title: str, subtitle: str, right: Sequence[str], accent: str) -> float:
        """The band across the top: a coloured rule, title and subtitle left, plan and date right; returns the
        y below it."""
        m = S.MARGIN
        self.rect(0, 0, self.width, 0.12, accent)
        self.text(m, 0.62, title, size=S.TITLE_SIZE, weight="bold")
        self.text(m, 0.90, subtitle, size=S.BODY_SIZE + 1, color=S.MUTED)
        for i, line in enumerate(right):
            self.text(self.width - m, 0.45 + 0.2 * i, line, size=S.BODY_SIZE, ha="right",
                      color=S.INK if i == 0 else S.MUTED, weight="bold" if i == 0 else "normal")
        self.line(m, self.width - m, 1.08)
        return 1.3

    def heading(self, x: float, y: float, text: str, note: str = "") -> None:
        self.text(x, y, text, size=S.HEADING_SIZE, weight="bold")
        if note:
            self.text(x, y + 0.17, note, size=S.SMALL_SIZE, color=S.MUTED)

    def footer(self, left: str, page: int, pages: int) -> None:
        m = S.MARGIN
        y = self.height - 0.35
        self.line(m, self.width - m, y - 0.14)
        self.text(m, y, left, size=S.SMALL_SIZE, color=S.FAINT)
        self.text(self.width - m, y, f"Page {page} of {pages}", size=S.SMALL_SIZE, color=S.FAINT, ha="right")

    def tile(self, x: float, y: float, w: float, caption: str, value: str, note: str = "",
             color: str = S.INK) -> None:
        """A figure tile: small caption, large value, an optional note below."""
        self.rect(x, y, w, 0.72, S.ZEBRA)
        self.text(x + 0.12, y + 0.2, caption.upper(), size=S.SMALL_SIZE, color=S.MUTED)
        self.text(x + 0.12, y + 0.48, value, size=14, weight="bold", color=color)
        if note:
            self.text(x + 0.12, y + 0.64, note, size=S.SMALL_SIZE, color=S.MUTED)

    def table(self, x: float, y: float, columns: Sequence[Column], rows: Sequence[Sequence[str]],
              row_h: float = 0.2, size: float = S.TABLE_SIZE,
              fills: Sequence[str | None] | None = None,
              cell_colors: dict[tuple[int, int], tuple[str, str]] | None = None) -> float:
        """A table with a shaded header and zebra rows; long text is cut with "…" to its column. `fills` gives
        a row's background (None = zebra); `cell_colors` (row, col) -> (text, fill) marks single cells.
        Returns the y below the table."""
        width = sum(c.width for c in columns)
        self.rect(x, y, width, row_h * 1.15, S.HEADER_BG)
        self._row(x, y, row_h * 1.15, columns, [c.header for c in columns], size, S.MUTED, "bold")
        top = y + row_h * 1.15
        for r, cells in enumerate(rows):
            ry = top + r * row_h
            fill = fills[r] if fills is not None and r < len(fills) else None
            if fill is None and r % 2 == 1:
                fill = S.ZEBRA
            if fill:
                self.rect(x, ry, width, row_h, fill)
            colors: dict[int, str] = {}
            if cell_colors:
                cx = x
                for j, c in enumerate(columns):
                    if (r, j) in cell_colors:
                        fg, bg = cell_colors[(r, j)]
                        self.rect(cx + 0.02, ry + 0.02, c.width - 0.04, row_h - 0.04, bg)
                        colors[j] = fg
                    cx += c.width
            self._row(x, ry, row_h, columns, cells, size, S.INK, "normal", colors)
        bottom = top + len(rows) * row_h
        self.line(x, x + width, bottom, S.RULE)
        return bottom

    def _row(self, x: float, y: float, h: float, columns: Sequence[Column], cells: Sequence[str], size: float,
             color: str, weight: str, colors: dict[int, str] | None = None) -> None:
        pad = 0.06
        base = y + h / 2 + size / 72 * 0.36  # baseline that centres a line of this size in the row
        bold = weight == "bold"
        for j, (c, s) in enumerate(zip(columns, cells, strict=False)):
            if c.align == "right":
                tx = x + c.width - pad
            elif c.align == "center":
                tx = x + c.width / 2
            else:
                tx = x + pad
            self.cells.add(tx, base, str(s), size, (colors or {}).get(j, color), c.align, bold, c.width - 2 * pad)
            x += c.width
