"""Command palette entries for the coach's own commands (ctrl+p)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from coach import settings
from coach.tui import screens
from coach.tui.messages import OpenPlan
from coach.tui.screens.base import CoachScreen

if TYPE_CHECKING:
    from coach.tui.app import CoachApp


class CoachCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app: CoachApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, str, object]] = [
            ("Help: list every key", "Show the keys of the current screen", app.action_help),
            ("Catalogue: choose a scenario", "Back to the list of scenarios", self._catalogue),
            (
                "History: past sessions and progress",
                "Your sessions, competency trends and what to practise next",
                self._history,
            ),
            ("Stories: your story bank", "Stories for behavioral questions: write, score, match", self._stories),
            ("Plan: your practice plan", "The sessions to the interview date, and your progress", self._plan),
            (
                "Scores: show" if settings.hide_scores() else "Scores: hide while practising",
                "Practice without numbers: evidence and advice without scores or levels (remembered)",
                self._toggle_scores,
            ),
        ]
        for entry in sorted(app.library.scenarios.values(), key=lambda e: e.item.title):
            sc = entry.item
            out.append(
                (
                    f"Practise: {sc.title}",
                    f"{sc.id} · {sc.difficulty} · {sc.minutes} min",
                    partial(app.open_briefing, sc.id),
                )
            )
        screen = app.screen
        for name, label, help_text in getattr(screen, "PALETTE", []):
            out.append((label, help_text, getattr(screen, f"action_{name}")))
        return out

    def _catalogue(self) -> None:
        app = self.app
        while len(app.screen_stack) > 2 and not isinstance(app.screen, screens.CatalogueScreen):
            app.pop_screen()

    def _history(self) -> None:
        self.app.push_screen(screens.HistoryScreen())

    def _stories(self) -> None:
        self.app.push_screen(screens.StoriesScreen())

    def _plan(self) -> None:
        self.app.post_message(OpenPlan())

    def _toggle_scores(self) -> None:
        screen = self.app.screen
        if isinstance(screen, CoachScreen):
            screen.action_toggle_scores()

    async def discover(self) -> Hits:
        for label, help_text, action in self._commands():
            yield DiscoveryHit(label, action, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, action in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), action, help=help_text)  # type: ignore[arg-type]
