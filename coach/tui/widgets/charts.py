"""A competency over time in the terminal: textual-plotext draws the chart model of
coach.render.view (the HTML report draws the same model as SVG).

Only dates and numbers go into the plot: plotext's output is read back as ANSI text, so the
titles (from files) are shown by a Static above it, as text."""

from __future__ import annotations

from datetime import date, timedelta

from textual_plotext import PlotextPlot

from coach.render.view import CompetencyChart


class CompetencyPlot(PlotextPlot):
    """Scores 0-4 up, days across (dated ticks), the target level's minimum as a horizontal line."""

    DEFAULT_CSS = """
    CompetencyPlot {
        height: 12;  /* nine rows for 0-4: every level on a row of its own */
    }
    """

    def __init__(self, chart: CompetencyChart, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.chart = chart

    def on_mount(self) -> None:
        super().on_mount()
        days = [date.fromisoformat(p.day) for p in self.chart.points]
        # days since the first session: plotext's own date axis stretches a single day over decades
        xs = [(d - days[0]).days for d in days]
        span = xs[-1]
        plt = self.plt
        plt.plot(xs, [p.score for p in self.chart.points], marker="braille")
        if self.chart.target_minimum is not None:
            plt.hline(self.chart.target_minimum)
        plt.ylim(0, 4)
        plt.yticks([0, 1, 2, 3, 4])
        ticks = sorted({0, span // 2, span}) if span >= 6 else sorted({0, span})
        plt.xticks([float(t) for t in ticks], [str(days[0] + timedelta(days=t)) for t in ticks])
        plt.xlim(-1 if not span else 0, 1 if not span else span)
