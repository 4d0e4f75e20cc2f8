"""The coach's screens, one module each. Every piece of user or file text is shown as text
(Content or markup=False), never parsed as markup.

A screen reads the library and the store (screens/base.py) and posts a message
(coach/tui/messages.py) for anything the app must do; no screen imports coach.tui.app."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each screen's module is imported when the screen is first asked for (the app starts on the
# catalogue, and only the modules it needs are imported before it is drawn).
_MODULES = {
    "BriefingScreen": "briefing",
    "CatalogueScreen": "catalogue",
    "CompareScreen": "progress",
    "PlanScreen": "progress",
    "StoriesScreen": "stories",
    "FeedbackScreen": "feedback",
    "HelpScreen": "dialogs",
    "HistoryScreen": "history",
    "InterviewScreen": "interview",
    "MentorScreen": "mentor",
    "MentorSummaryScreen": "mentor",
    "ResumeScreen": "dialogs",
    "SummaryScreen": "summary",
}
__all__ = [
    "BriefingScreen",
    "CatalogueScreen",
    "CompareScreen",
    "FeedbackScreen",
    "HelpScreen",
    "HistoryScreen",
    "InterviewScreen",
    "MentorScreen",
    "MentorSummaryScreen",
    "PlanScreen",
    "ResumeScreen",
    "StoriesScreen",
    "SummaryScreen",
]

if TYPE_CHECKING:
    from coach.tui.screens.briefing import BriefingScreen
    from coach.tui.screens.catalogue import CatalogueScreen
    from coach.tui.screens.dialogs import HelpScreen, ResumeScreen
    from coach.tui.screens.feedback import FeedbackScreen
    from coach.tui.screens.history import HistoryScreen
    from coach.tui.screens.interview import InterviewScreen
    from coach.tui.screens.mentor import MentorScreen, MentorSummaryScreen
    from coach.tui.screens.progress import CompareScreen, PlanScreen
    from coach.tui.screens.stories import StoriesScreen
    from coach.tui.screens.summary import SummaryScreen


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
