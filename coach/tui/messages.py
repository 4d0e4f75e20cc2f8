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


# Messages are never compared nor printed, so only their __init__ is generated (eq=False, repr=False): this
# module is imported before the catalogue's first frame, and generating all three took about 8 ms.


class CatalogueDrawn(Message):
    """The catalogue's first frame, with its scenarios, is drawn (the app then loads the library)."""


@dataclass(eq=False, repr=False)
class OpenBriefing(Message):
    """Start a new session of this scenario at its briefing."""

    scenario_id: str
    target: Level | None = None


@dataclass(eq=False, repr=False)
class StartInterview(Message):
    """The briefing is read: start the clock and ask the first question."""

    session: Session


@dataclass(eq=False, repr=False)
class SaveSession(Message):
    """Save the session as it is now (the writing happens in a worker)."""

    session: Session


@dataclass(eq=False, repr=False)
class SaveDraft(Message):
    """Save the answer being typed (the session's draft), in a worker."""

    session: Session


@dataclass(eq=False, repr=False)
class ShowFeedback(Message):
    """Show a stage's feedback: after answering (final: the summary follows) or from the summary (review)."""

    session: Session
    stage_id: str
    report: ScoreReport
    final: bool = False
    review: bool = False


@dataclass(eq=False, repr=False)
class ShowSummary(Message):
    """The session is over: replace the current screen with its summary."""

    session: Session


@dataclass(eq=False, repr=False)
class ShowCatalogue(Message):
    """Back to the catalogue, closing every screen above it."""


@dataclass(eq=False, repr=False)
class PractiseNext(Message):
    """Back to the catalogue, then the briefing of the suggested scenario."""

    scenario_id: str


@dataclass(eq=False, repr=False)
class OpenHistory(Message):
    """Past sessions, progress and what to practise next."""


@dataclass(eq=False, repr=False)
class OpenStories(Message):
    """Your story bank for behavioral questions."""


@dataclass(eq=False, repr=False)
class OpenSession(Message):
    """Reopen a stored session: its summary when finished, else where it stopped."""

    session_id: str


@dataclass(eq=False, repr=False)
class ExportReview(Message):
    """The mentor's final scores and advice are in: save the session, export the mentee's
    report and, when reviewing a file, write the reviewed file and open the next session."""

    session: Session


@dataclass(eq=False, repr=False)
class OpenPlan(Message):
    """The practice plan to the interview date, with progress against it."""


@dataclass(eq=False, repr=False)
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
