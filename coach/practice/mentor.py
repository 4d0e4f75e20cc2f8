"""Mentor-led practice: a mentor's checklist, overrides and notes on top of the
automatic score. Plain Python; the TUI's mentor and review screens present it.

The automatic report is never changed: :func:`mentor_view` derives the mentor's
report from it, so both can be shown side by side, and the mentor's is final.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from coach.library.formats import Competency
from coach.library.loader import Library
from coach.practice import exchange
from coach.practice.exchange import ExportRecord
from coach.practice.history import verify_scores
from coach.practice.review import MentorReview, StageReview, reviewed_report
from coach.practice.session import Session, SessionState
from coach.scoring.engine import Scorer
from coach.scoring.report import ScoreReport


def review_of(session: Session, mentor: str = "") -> MentorReview:
    if session.state.review is None:
        session.state.review = MentorReview(mentor=mentor)
    elif mentor and not session.state.review.mentor:
        session.state.review.mentor = mentor
    return session.state.review


def stage_review(session: Session, stage_id: str) -> StageReview:
    return review_of(session).stages.setdefault(stage_id, StageReview())


def prefill(review: StageReview, report: ScoreReport) -> None:
    """Tick what the automatic score found, once; the mentor confirms or unticks."""
    if review.prefilled:
        return
    found = [c.ref for crit in report.criteria for c in crit.concepts if c.found]
    review.ticked = list(dict.fromkeys(review.ticked + found))
    review.anti = list(dict.fromkeys(review.anti + [a.ref for a in report.anti_patterns]))
    review.prefilled = True


def checklist(session: Session, stage_id: str) -> list[tuple[str, str, str]]:
    """(ref, label, group) of every concept and anti-pattern the stage assesses."""
    stage = session.scenario.stage(stage_id)
    assert stage is not None
    target = session.scorer.stage_target(session.scenario, stage)
    items = [(c.ref, c.label, crit.spec.title) for crit in target.criteria for c in crit.concepts]
    items += [(ref, anti.label, "Anti-pattern") for ref, anti, _ in target.anti_patterns]
    return items


def mentor_view(session: Session, stage_id: str, auto: ScoreReport, review: StageReview) -> ScoreReport:
    """The stage's report as the mentor judged it (see coach.practice.review.reviewed_report)."""
    return reviewed_report(session.scorer, session.scenario, stage_id, auto, review, session.state.target)


def side_by_side(session: Session) -> list[dict[str, Any]]:
    """Per stage and criterion: the automatic level, the mentor's, and the reason. A level is
    None where its stage is not assessed (not answered, and for the mentor not judged either)."""
    rows = []
    review = session.state.review
    auto_counted = {rec.stage for rec, _ in session.assessed_reports()}
    mentor_counted = {rec.stage for rec, _ in session.assessed_reports(reviewed=True)}
    for rec, auto in session.final_reports():
        sr = review.stages.get(rec.stage) if review else None
        mentor = mentor_view(session, rec.stage, auto, sr) if sr else None
        for i, crit in enumerate(auto.criteria):
            m = mentor.criteria[i] if mentor else None
            override = sr.overrides.get(crit.ref) if sr else None
            rows.append(
                {
                    "stage": rec.stage,
                    "criterion": crit.title,
                    "ref": crit.ref,
                    "automatic": crit.level if rec.stage in auto_counted else None,
                    "mentor": m.level if m and rec.stage in mentor_counted else None,
                    "reason": override.reason if override else "",
                }
            )
    return rows


def finish(session: Session, comment: str = "") -> None:
    review = review_of(session)
    if comment:
        review.comment = comment
    review.reviewed = datetime.now(timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- files and cohorts


@dataclass
class MenteeFile:
    """The sessions of an export file a mentor reads (review, cohort), and its bad lines."""

    sessions: list[tuple[SessionState, ExportRecord]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Each line skipped, as "FILE:N: why"."""


def sessions_in(path: Path, library: Library | None = None, clean: Callable[[str], str] | None = None) -> MenteeFile:
    """The sessions of an export file for a mentor (review, cohort), each naming its learner
    (the file's name when the export did not), so a reviewed session saved in the mentor's
    history is never taken for the mentor's own. A bad line is skipped and named ("FILE:N: why"),
    the rest is read. With a library, each session's scores are recomputed from its answers
    (the file's are not trusted); a session whose scenario is not in it is marked unverified.
    ``clean`` rewrites every string first (see ExportRecord.from_line)."""
    out = MenteeFile()
    scorer = Scorer(library) if library else None
    for number, item in exchange.records_in(path, clean):
        if isinstance(item, str):
            out.problems.append(f"{path}:{number}: {item}")
            continue
        if isinstance(item, dict):  # a story: a mentor reviews sessions only
            continue
        state = item.state
        state.learner = state.learner or item.learner or path.stem
        state.unverified = True  # until recomputed here
        if library is not None and state.scenario in library.scenarios:
            verify_scores(Session(library, state, scorer))
        out.sessions.append((state, item))
    return out


def read_export(
    path: Path, library: Library | None = None, clean: Callable[[str], str] | None = None
) -> list[tuple[SessionState, dict[str, Any]]]:
    """The sessions of sessions_in() with each record as its JSON data (title, score, learner),
    as the app's review screens read it; bad lines are left out."""
    return [
        (state, record.model_dump(mode="json", exclude={"state"}))
        for state, record in sessions_in(path, library, clean).sessions
    ]


@dataclass
class Cohort:
    """Learners against competencies."""

    columns: list[str]
    """The competencies some learner has a score in."""
    rows: list[tuple[str, dict[str, tuple[float, bool]]]]
    """(learner, {competency: (score, verified)}), by learner. A score is verified when this
    coach recomputed it from the answers; a mentor's review in the file is not."""
    problems: list[str]
    """Lines skipped, as "FILE:N: why"."""
    left_out: int
    """Finished sessions of scenarios not in the library: they cannot be scored here."""


def cohort(files: list[Path], library: Library, clean: Callable[[str], str] | None = None) -> Cohort:
    """Each learner's latest score per competency (the mentor's where a mentor reviewed the
    session), recomputed from the answers with the library."""
    table: dict[str, dict[str, tuple[str, float, bool]]] = {}
    problems: list[str] = []
    left_out = 0
    for path in files:
        mentee = sessions_in(path, library, clean)
        problems += mentee.problems
        for state, _ in mentee.sessions:
            if state.status != "finished":
                continue
            if state.scenario not in library.scenarios:
                left_out += 1
                continue
            if library.scenario(state.scenario).coaching:
                continue  # a coaching conversation is not interview evidence
            summary = Session(library, state).summary(reviewed=True)
            judged = state.review is not None and any(sr.ticked or sr.overrides for sr in state.review.stages.values())
            verified = not state.unverified and not judged
            scores = table.setdefault(state.learner, {})
            for comp in summary.competencies:
                if comp.competency not in scores or scores[comp.competency][0] <= state.started:
                    scores[comp.competency] = (state.started, comp.score, verified)
    columns = [c.value for c in Competency if any(c.value in s for s in table.values())]
    rows = [(name, {k: (v, ok) for k, (_, v, ok) in scores.items()}) for name, scores in sorted(table.items())]
    return Cohort(columns, rows, problems, left_out)
