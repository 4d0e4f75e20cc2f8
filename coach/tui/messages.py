"""What the screens ask of the app. A screen posts one of these (it bubbles up to the app)
and never calls the app itself; CoachApp's on_* handlers react (coach/tui/app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # (the app imports these only when a session starts)
    from coach.library.formats import Level
    from coach.practice.session import Session
    from coach.scoring.report import ScoreReport


class CatalogueDrawn(Message):
    """The catalogue's first frame, with its scenarios, is drawn (the app then loads the library)."""


@dataclass
class OpenBriefing(Message):
    """Start a new session of this scenario at its briefing."""

    scenario_id: str
    target: Level | None = None


@dataclass
class StartInterview(Message):
    """The briefing is read: start the clock and ask the first question."""

    session: Session


@dataclass
class SaveSession(Message):
    """Save the session as it is now (the writing happens in a worker)."""

    session: Session


@dataclass
class SaveDraft(Message):
    """Save the answer being typed (the session's draft), in a worker."""

    session: Session


@dataclass
class ShowFeedback(Message):
    """Show a stage's feedback: after answering (final: the summary follows) or from the summary (review)."""

    session: Session
    stage_id: str
    report: ScoreReport
    final: bool = False
    review: bool = False


@dataclass
class ShowSummary(Message):
    """The session is over: replace the current screen with its summary."""

    session: Session


@dataclass
class ShowCatalogue(Message):
    """Back to the catalogue, closing every screen above it."""


@dataclass
class PractiseNext(Message):
    """Back to the catalogue, then the briefing of the suggested scenario."""

    scenario_id: str


@dataclass
class OpenHistory(Message):
    """Past sessions, progress and what to practise next."""


@dataclass
class OpenStories(Message):
    """Your story bank for behavioral questions."""


@dataclass
class OpenSession(Message):
    """Reopen a stored session: its summary when finished, else where it stopped."""

    session_id: str


@dataclass
class ExportReview(Message):
    """The mentor's final scores and advice are in: save the session, export the mentee's
    report and, when reviewing a file, write the reviewed file and open the next session."""

    session: Session


@dataclass
class OpenPlan(Message):
    """The practice plan to the interview date, with progress against it."""


@dataclass
class OpenCompare(Message):
    """Two stored attempts at one scenario side by side."""

    first: str
    second: str

    @property
    def ids(self) -> tuple[str, str]:
        return self.first, self.second


class SessionsVerified(Message, bubble=False):
    """The app verified imported sessions in the background (posted to every open screen): their
    scores count now, so what shows progress reads the history again."""
