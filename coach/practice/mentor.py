"""Mentor-led practice: a mentor's checklist, overrides and notes on top of the
automatic score. Plain Python; the TUI's mentor and review screens present it.

The automatic report is never changed: :func:`mentor_view` derives the mentor's
report from it, so both can be shown side by side, and the mentor's is final.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from coach.library.formats import Competency
from coach.library.loader import Library
from coach.practice import exchange
from coach.practice.exchange import ExportRecord
from coach.practice.review import MentorReview, StageReview, reviewed_report
from coach.practice.session import Session, SessionState
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


def sessions_in(path: Path) -> list[tuple[SessionState, ExportRecord]]:
    """The sessions of an export file for a mentor (review, cohort), each naming its
    learner (the file's name when the export did not), so a reviewed session saved in the
    mentor's history is never taken for the mentor's own. A bad line is an error that names
    every bad line ("FILE:N: why"): a mentor reviews or compares whole files, never a part."""
    exported = exchange.read_export(path)
    if exported.problems:
        raise ValueError("; ".join(f"{path}:{number}: {message}" for number, message in exported.problems))
    out = []
    for _, record in exported.records:
        state = record.state
        state.learner = state.learner or record.learner or path.stem
        out.append((state, record))
    return out


def read_export(path: Path) -> list[tuple[SessionState, dict[str, Any]]]:
    """sessions_in() with each record as its JSON data (title, score, learner), as the
    app's review screens read it."""
    return [(state, record.model_dump(mode="json", exclude={"state"})) for state, record in sessions_in(path)]


def cohort(files: list[Path], library: Library) -> tuple[list[str], list[tuple[str, dict[str, float]]]]:
    """Learners against competencies: each learner's latest score per competency (the
    mentor's where a mentor reviewed the session)."""
    table: dict[str, dict[str, tuple[str, float]]] = {}
    for path in files:
        for state, _ in sessions_in(path):
            if state.status != "finished" or state.scenario not in library.scenarios:
                continue
            if library.scenario(state.scenario).coaching:
                continue  # a coaching conversation is not interview evidence
            summary = Session(library, state).summary(reviewed=True)
            scores = table.setdefault(state.learner, {})
            for comp in summary.competencies:
                if comp.competency not in scores or scores[comp.competency][0] <= state.started:
                    scores[comp.competency] = (state.started, comp.score)
    columns = [c.value for c in Competency if any(c.value in s for s in table.values())]
    return columns, [(name, {k: v for k, (_, v) in scores.items()}) for name, scores in sorted(table.items())]
