"""Shared helpers for driving the app in tests."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList, Static


class FixedClock:
    """A clock the test moves by hand, so timers and snapshots are deterministic."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """Everything the current screen shows as text: statics, labels and table cells."""
    parts = [str(w.render()) for w in app.screen.query(Static) if w.display]
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts.append(" | ".join(str(c) for c in table.get_row_at(row)))
    for options in app.screen.query(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for workers (scoring, saving) and let the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
