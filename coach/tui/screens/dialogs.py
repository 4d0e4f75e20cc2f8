"""Dialogs over the current screen: the keys of that screen, and the offer to resume."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen

from coach.practice.store import SessionRow
from coach.tui.screens.base import SCREENS_CSS
from coach.tui.widgets.basics import local_time, text


class HelpScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help.close")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = []
        seen = set()
        for source in (self.under, self.app):
            for b in getattr(source, "BINDINGS", []):
                binding = b if isinstance(b, Binding) else Binding(*b)
                if binding.key in seen:
                    continue
                seen.add(binding.key)
                keys = ", ".join(k.strip() for k in binding.key.split(","))
                rows.append(f"{keys:>14}  {binding.tooltip or binding.description}")
        rows.append(f"{'ctrl+p':>14}  Command palette: practise any scenario, help, and more")
        rows.append(f"{'tab':>14}  Move between fields")
        body = "Keys on this screen\n\n" + "\n".join(rows) + "\n\nPress Escape to close."
        with Vertical(id="help"):
            yield text(body)

    def action_close(self) -> None:
        self.dismiss(None)


class ResumeScreen(ModalScreen[str | None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = [
        Binding("enter,r", "resume", "Resume", id="resume.yes"),
        Binding("escape,l", "later", "Later", id="resume.later"),
    ]

    def __init__(self, row: SessionRow):
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="resume"):
            yield text(
                f"You have an unfinished session:\n\n{self.row.title}\nlast saved {local_time(self.row.updated)}"
                "\n\nEnter: resume where you stopped, with your draft.\nEscape: not now (it stays in your history)."
            )

    def action_resume(self) -> None:
        self.dismiss(self.row.id)

    def action_later(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes-or-no question; dismissed with True for yes."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield text(f"{self.question}\n\ny: yes    n or Escape: no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
