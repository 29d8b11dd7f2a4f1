"""Charts drawn on the server as SVG geometry: no script, no other host, readable in
print. Each chart sits next to a table of the same figures for screen readers."""

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 40


@dataclass
class Point:
    x: float
    y: float
    day: date
    coverage_tenths: int


@dataclass
class CoverageChart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    threshold_y: float
    threshold_tenths: int
    y_ticks: list[tuple[float, int]]  # (y, percent)
    left: int
    right: int
    bottom: float


def _y(tenths: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - tenths / 1000)


def coverage_chart(reports, threshold_tenths: int) -> CoverageChart | None:
    """Coverage over time from reports (any order), with the threshold as a line."""
    ordered = sorted(reports, key=lambda report: report.as_of)
    if not ordered:
        return None
    first, last = ordered[0].as_of, ordered[-1].as_of
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return LEFT + (inner * (day - first).days / span if span else inner / 2)

    points = [
        Point(
            round(x(r.as_of), 1),
            round(_y(r.coverage_tenths), 1),
            r.as_of,
            r.coverage_tenths,
        )
        for r in ordered
    ]
    return CoverageChart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        threshold_y=round(_y(threshold_tenths), 1),
        threshold_tenths=threshold_tenths,
        y_ticks=[
            (round(_y(percent * 10), 1), percent) for percent in (0, 25, 50, 75, 100)
        ],
        left=LEFT,
        right=WIDTH - RIGHT,
        bottom=HEIGHT - BOTTOM,
    )


# --- Small charts for the dashboards ---
# Drawn 360 units wide, the width of a phone: shown there, text keeps about the size
# app.css gives it (13 px), and on a wider screen the figure is capped so that it
# does not balloon.

SMALL_WIDTH = 360
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 12, 12, 30


@dataclass
class Mark:
    """A bar (x, y, width, height) or a point (x, y) with its label and value."""

    label: str
    value: int
    x: float
    y: float
    width: float = 0
    height: float = 0
    key: str = ""


@dataclass
class SmallChart:
    width: int
    height: int
    marks: list[Mark]
    y_ticks: list[tuple[float, int]]  # (y, value)
    left: int
    right: int
    baseline: float
    polyline: str = ""


def ticks(maximum: int) -> list[int]:
    """Round steps from 0 that cover ``maximum`` in at most five lines: 1, 2, 5, 10,
    20, 50, ... apart."""
    step, factors = 1, [2, 2.5, 2]
    while step * 4 < maximum:
        step = int(step * factors[0])
        factors = factors[1:] + factors[:1]
    top = max(step, -(-maximum // step) * step)
    return list(range(0, top + 1, step))


def _frame(values: list[int], height: int):
    steps = ticks(max(values, default=0))
    inner = height - PAD_TOP - PAD_BOTTOM

    def y(value: int) -> float:
        return round(PAD_TOP + inner * (1 - value / steps[-1]), 1)

    return y, [(y(value), value) for value in steps]


def column_chart(values: list[tuple[str, int]], height: int = 200) -> SmallChart:
    """One column per (label, value): e.g. designations per month."""
    y, y_ticks = _frame([value for _, value in values], height)
    slot = (SMALL_WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(values), 1)
    marks = [
        Mark(
            label,
            value,
            x=round(PAD_LEFT + slot * index + slot * 0.2, 1),
            y=y(value),
            width=round(slot * 0.6, 1),
            height=round(y(0) - y(value), 1),
        )
        for index, (label, value) in enumerate(values)
    ]
    return SmallChart(
        SMALL_WIDTH, height, marks, y_ticks, PAD_LEFT, SMALL_WIDTH - PAD_RIGHT, y(0)
    )


def line_chart(values: list[tuple[str, int]], height: int = 200) -> SmallChart:
    """A line through (label, value) points at the middle of equal slots."""
    chart = column_chart(values, height)
    for mark in chart.marks:
        mark.x, mark.width, mark.height = round(mark.x + mark.width / 2, 1), 0, 0
    chart.polyline = " ".join(f"{mark.x},{mark.y}" for mark in chart.marks)
    return chart


def bar_chart(values: list[tuple[str, str, int]], row: int = 44) -> SmallChart:
    """One horizontal bar per (key, label, value), each under its label, so that long
    labels never crowd a narrow screen: e.g. villages per coverage band."""
    largest = max([value for _, _, value in values], default=0) or 1
    inner = SMALL_WIDTH - PAD_RIGHT - 60  # room for the value after the bar
    marks = [
        Mark(
            label,
            value,
            x=0,
            y=index * row + 20,
            width=round(inner * value / largest, 1),
            height=16,
            key=key,
        )
        for index, (key, label, value) in enumerate(values)
    ]
    height = len(values) * row + 4
    return SmallChart(SMALL_WIDTH, height, marks, [], 0, inner, height)
