"""Horizontal bar charts as data for server-rendered SVG (templates/dashboard/_bars.html).

No JavaScript and nothing fetched from elsewhere: each bar's length is a
percentage of the largest value, computed here so the template only draws.
"""

from dataclasses import dataclass

ROW_HEIGHT = 36  # px per row: the label, then its bar underneath
BAR_SHARE = 70  # % of the width the longest bar takes; the count is written after it


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    label_y: int
    bar_y: int
    # SVG coordinates, as text so that a French locale never writes "12,5" into the drawing.
    width: str  # % of the chart's width
    count_x: str  # % of the chart's width
    share: float  # % of the chart's total


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    total: int
    height: int

    @property
    def empty(self) -> bool:
        return self.total == 0


def bar_chart(items: list[tuple[str, int]]) -> Chart:
    """``items``: (label, count) in display order."""
    largest = max((count for _, count in items), default=0)
    total = sum(count for _, count in items)
    bars = []
    for row, (label, count) in enumerate(items):
        width = round(BAR_SHARE * count / largest, 2) if largest else 0.0
        bars.append(
            Bar(
                label=str(label),
                count=count,
                label_y=row * ROW_HEIGHT + 13,
                bar_y=row * ROW_HEIGHT + 18,
                width=f"{width:.2f}",
                count_x=f"{width + 1:.2f}",
                share=round(100 * count / total, 1) if total else 0.0,
            )
        )
    return Chart(bars=tuple(bars), total=total, height=max(1, len(bars)) * ROW_HEIGHT)
