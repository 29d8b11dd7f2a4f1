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
