"""The smoke test's picture steps: each view really paints (a grab with enough distinct colours, not a
blank widget) and the map exports through matplotlib's PNG, SVG and PDF backends (a bundle may lack one).
The map, the Capacity view and the whole window are grabbed to PNGs in the smoke test's folder.
"""

from __future__ import annotations

from territory_desktop.ui.shell.smoke.harness import (
    WINDOW_SIZE,
    Context,
    SmokeFailure,
    png_size,
    run_events,
    save_grab,
)


def check_map(ctx: Context) -> str:
    """View → Go to Map: the map paints, and exports as PNG, SVG and PDF (matplotlib's vector backends)."""
    w = ctx.window
    w.focus_map()
    run_events(0.1)
    w.map_view.wait_ready(20.0)
    shown = save_grab(w.map_view, ctx.folder / "map-view.png", "the map", min_colours=8)
    sizes = []
    for ext, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        path = ctx.folder / f"map.{ext}"
        if not w.map_view.export(str(path)):
            raise SmokeFailure(f"the map could not be exported as {ext.upper()}: "
                               f"{w.statusBar().currentMessage()}")
        head = path.read_bytes()[:5]
        if not head.startswith(magic):
            raise SmokeFailure(f"{path.name} does not start like a {ext.upper()} file ({head!r})")
        sizes.append(f"{ext.upper()} {path.stat().st_size / 1e3:.0f} kB")
    w.focus_table()
    return f"{shown}; exported {', '.join(sizes)}"


def check_capacity(ctx: Context) -> str:
    """The Capacity tab: workload chart, health check, fairness and headcount for the open plan."""
    w = ctx.window
    w.focus_capacity()
    run_events(0.3)
    panel = w.capacity_panel
    if panel.health.count() == 0:
        raise SmokeFailure("the capacity view's health check is empty")
    shown = save_grab(panel, ctx.folder / "capacity.png", "the capacity view")
    return f"{shown}, {panel.health.count()} health-check entries"


def check_window_png(ctx: Context) -> str:
    """The whole window grabbed to a PNG (what `territory-desktop screenshot` does)."""
    out = ctx.folder / "window.png"
    ctx.window.territory_panel.view.selectRow(0)
    run_events(0.05)
    save_grab(ctx.window, out, "the main window")
    width, height = png_size(out)
    if (width, height) != WINDOW_SIZE:
        raise SmokeFailure(f"window PNG is {width}x{height}, expected {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}")
    return f"{width}x{height} PNG, {out.stat().st_size / 1e3:.0f} kB"
