"""Pages filled top to bottom: headings, lines of text and tables that continue on the next page with their
header repeated ("Account list (continued)"). The footer's "page 2 of 9" needs the page count, so pages are
kept until the document is complete and footed at the end."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from territory_desktop.io.reports import style as S
from territory_desktop.io.reports.page import Column, Page


class Flow:
    """A document as a list of pages; `running_head(page)` draws the head of every page after the first and
    returns the y where content starts."""

    def __init__(self, size: tuple[float, float], running_head: Callable[[Page], float]) -> None:
        self.size = size
        self.running_head = running_head
        self.pages: list[Page] = []
        self.y = 0.0
        self.bottom = size[1] - 0.8

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def add_page(self, page: Page | None = None, y: float | None = None) -> Page:
        """Start a page (a given, already drawn first page continues at `y`)."""
        if page is None:
            page = Page(self.size)
            self.y = self.running_head(page)
        else:
            self.y = y if y is not None else S.MARGIN
        self.pages.append(page)
        return page

    def room(self) -> float:
        return self.bottom - self.y

    def need(self, height: float) -> None:
        if not self.pages or self.room() < height:
            self.add_page()

    def heading(self, text: str, note: str = "") -> None:
        self.need(0.9)
        self.y += 0.22
        self.page.heading(S.MARGIN, self.y, text, note)
        self.y += 0.32 if note else 0.16

    def line(self, text: str, color: str = S.MUTED) -> None:
        self.need(0.25)
        self.y += 0.05
        self.page.text(S.MARGIN, self.y + 0.12, text, size=S.BODY_SIZE, color=color)
        self.y += 0.22

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], title: str = "",
              row_h: float = 0.2, cell_colors: dict[tuple[int, int], tuple[str, str]] | None = None,
              on_page: Callable[[], None] | None = None) -> None:
        """Rows over as many pages as they need; a continued part repeats the header and says "(continued)".
        `on_page` is called after each page part is drawn (progress and cancel checks)."""
        start = 0
        first = True
        while start < len(rows) or first:
            self.need(row_h * 3.5)
            if not first and title:
                self.page.text(S.MARGIN, self.y + 0.12, f"{title} (continued)", size=S.SMALL_SIZE, color=S.MUTED)
                self.y += 0.2
            fit = max(int((self.room() - row_h * 1.2) // row_h), 1)
            part = rows[start:start + fit]
            colors = None
            if cell_colors:
                colors = {(r - start, c): v for (r, c), v in cell_colors.items() if start <= r < start + fit}
            self.y = self.page.table(S.MARGIN, self.y, columns, part, row_h=row_h, cell_colors=colors) + 0.1
            start += len(part)
            first = False
            if on_page is not None:
                on_page()
            if start < len(rows):
                self.add_page()

    def finish(self, footer_left: str) -> list[Page]:
        n = len(self.pages)
        for i, page in enumerate(self.pages, start=1):
            page.footer(footer_left, i, n)
        return self.pages
