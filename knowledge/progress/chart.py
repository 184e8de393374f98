"""Rows by colour per leader or per unit as a PNG, drawn with a font that has Chinese glyphs.

matplotlib is imported only here and only when a chart is drawn (it costs ~0.4 s to import).
Without a CJK font the caller sends the text table instead (matplotlib would draw empty boxes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge.progress.colours import COLOUR_NAMES, COLOURS, Colour
from knowledge.progress.language import language
from knowledge.progress.status import PeriodStatus

ChartBy = Literal["leader", "unit"]
MAX_BARS = 30  # a phone screen; the rest are summed in one "其他" bar
_BAR_COLOURS: dict[Colour, str] = {"red": "#E0454B", "yellow": "#F2B134", "green": "#4CAF50"}


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a leader or unit and its rows per colour."""

    name: str
    counts: dict[Colour, int]


def chart_bars(status: PeriodStatus, by: ChartBy) -> list[Bar]:
    """Bars for the chart (and for its text fallback), the most red first, at most MAX_BARS."""
    groups = status.by_leader() if by == "leader" else status.by_unit()
    bars = [Bar(name, status.counts(states)) for name, states in groups.items()]
    if by == "unit":
        bars.sort(key=lambda b: (-b.counts["red"], -b.counts["yellow"], b.name))
    if len(bars) > MAX_BARS:
        rest = bars[MAX_BARS - 1:]
        total = {c: sum(b.counts[c] for b in rest) for c in COLOURS}
        bars = [*bars[:MAX_BARS - 1], Bar(f"其他 {len(rest)} 个", total)]
    return bars


def find_font(configured: str = "") -> Path | None:
    """A font file that draws Chinese: the configured file or family, else the first family of the data
    file's list installed on this system; None when there is none."""
    if configured and Path(configured).expanduser().is_file():
        return Path(configured).expanduser()
    from matplotlib import font_manager

    families = [configured] if configured else list(language().fonts)
    installed = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in installed:
            return Path(installed[family])
    return None


def draw_chart(bars: list[Bar], title: str, font: Path, path: Path) -> Path:
    """Horizontal stacked bars, red first, with counts; written as PNG to `path`."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    names = [b.name for b in reversed(bars)]
    height = max(2.5, 0.42 * len(bars) + 1.4)
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=(8, height), dpi=110)
        left = [0] * len(bars)
        for colour in COLOURS:
            values = [b.counts[colour] for b in reversed(bars)]
            drawn = axes.barh(names, values, left=left, color=_BAR_COLOURS[colour], label=COLOUR_NAMES[colour])
            axes.bar_label(drawn, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=8)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_title(title)
        axes.set_xlabel("工作数")
        axes.legend(loc="lower right", ncols=3, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        figure.savefig(path, format="png")
        plt.close(figure)
    return path
