"""An interview session: plain Python, no UI.

A session runs a scenario stage by stage: the interviewer asks, the candidate
answers, the answer is scored, the interviewer may follow up on what was missed,
branches decide the next stage, and the end brings a summary. Its whole state is
a pydantic model, so it can be saved after every step and restored exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel

from coach.library import conditions
from coach.library.formats import Competency, Level, Scenario, Stage
from coach.library.loader import Library, next_stage
from coach.practice.review import StageReview, reviewed_report

# the state models live in coach.practice.state (an import reads them without the scorer); here too for callers
from coach.practice.state import Mode as Mode
from coach.practice.state import SessionState as SessionState
from coach.practice.state import StageRecord as StageRecord
from coach.practice.state import Turn as Turn
from coach.scoring.engine import Scorer, feedback_items
from coach.scoring.ladder import band_for, ceiling_for, place_on_ladder
from coach.scoring.report import CompetencyResult, ScoreReport

MAX_VISITS = 2  # a stage is asked at most twice, so branches back cannot loop forever


class Outcome(BaseModel):
    """What happened after a submit or skip."""

    kind: Literal["followup", "next", "finished"]
    question: str | None = None
    """The follow-up question, or the next stage's prompt."""
    report: ScoreReport | None = None
    """The stage's score so far (shown in study mode)."""
    stage: str
    next_stage: str | None = None


class StageSummary(BaseModel):
    stage: str
    title: str
    score: float | None
    """None when the stage was not assessed (see `assessed`): never a 0 for a stage not played."""
    band: str | None
    hints_used: int
    seconds: float
    skipped: bool
    followups: int
    assessed: bool = True


class Summary(BaseModel):
    scenario: str
    title: str
    mode: Mode
    target: str
    target_title: str
    score: float | None
    """The mean over the assessed stages; None when no stage was assessed."""
    band: str | None
    stages: list[StageSummary]
    competencies: list[CompetencyResult]
    level: str | None = None
    level_title: str | None = None
    strengths: list[str]
    work_on: list[str]
    """The three most valuable things to work on."""
    next_scenario: str | None = None
    next_reason: str = ""
    coaching: bool = False
    """A coaching scenario: scored, but not interview evidence on the ladder."""


def assessed(rec: StageRecord, review: StageReview | None = None) -> bool:
    """Whether a stage counts in the results: the candidate answered it, or a mentor judged it.
    A stage skipped, or left before any answer because the session stopped, is "not assessed":
    it has no score, rather than a 0 that would drag every average down."""
    return bool(rec.answers) or (review is not None and bool(review.ticked or review.overrides))


class SessionError(RuntimeError):
    """An action that does not fit the session's state (e.g. submit after the end)."""


class Session:
    def __init__(
        self,
        library: Library,
        state: SessionState,
        scorer: Scorer | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.library = library
        self.scenario: Scenario = library.scenario(state.scenario)
        self.state = state
        self.scorer = scorer or Scorer(library)
        self.clock = clock

    @classmethod
    def new(
        cls,
        library: Library,
        scenario_id: str,
        target: Level | None = None,
        mode: Mode = Mode.study,
        scorer: Scorer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Session:
        sc = library.scenario(scenario_id)
        rubric_versions = {r: library.rubric(r).version for r in sc.rubrics}
        state = SessionState(
            scenario=sc.id,
            scenario_version=sc.version,
            rubric_versions=rubric_versions,
            target=target or sc.level,
            mode=mode,
        )
        return cls(library, state, scorer, clock)

    @classmethod
    def restore(
        cls,
        library: Library,
        data: str | dict[str, Any],
        scorer: Scorer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Session:
        state = SessionState.model_validate_json(data) if isinstance(data, str) else SessionState.model_validate(data)
        return cls(library, state, scorer, clock)

    def dump(self) -> str:
        return self.state.model_dump_json()

    # ------------------------------------------------------------------ reading the state

    @property
    def stage(self) -> Stage:
        if self.state.current is None:
            raise SessionError("the interview has not started")
        stage = self.scenario.stage(self.state.current)
        assert stage is not None
        return stage

    @property
    def record(self) -> StageRecord:
        return self.state.records[-1]

    @property
    def finished(self) -> bool:
        return self.state.status == "finished"

    @property
    def question(self) -> str:
        """What the interviewer is waiting for an answer to."""
        rec = self.record
        return rec.followups[-1] if self.state.awaiting_followup else self.stage.prompt

    def stage_number(self) -> tuple[int, int]:
        """(this stage's position, stages in the normal order) for progress display."""
        main = [s.id for s in self.scenario.stages if not s.branch_only]
        here = (
            main.index(self.stage.id) + 1
            if self.stage.id in main
            else len({r.stage for r in self.state.records if r.stage in main}) + 1
        )
        return min(here, len(main)), len(main)

    def remaining_seconds(self) -> float | None:
        limit = self.stage.time_limit_minutes
        if limit is None or self.state.stage_started is None:
            return None
        return limit * 60 - (self.record.seconds + self.clock() - self.state.stage_started)

    def hints_left(self) -> int:
        return len(self.stage.hints) - self.record.hints_used

    # ------------------------------------------------------------------ actions

    def start(self) -> str:
        """Leave the briefing; the interviewer asks the first question."""
        if self.state.status != "briefing":
            raise SessionError("the interview has already started")
        self.state.status = "answering"
        self._open(self.scenario.stages[0])
        return self.stage.prompt

    def set_draft(self, text: str) -> None:
        self.state.draft = text

    def checkpoint(self) -> None:
        """Bank the time spent so far (before saving), so time away is never counted."""
        if self.state.stage_started is not None:
            self._pause_clock()
            self.state.stage_started = self.clock()

    def resume_clock(self) -> None:
        """After a restore: the stage clock restarts now."""
        if self.state.status == "answering":
            self.state.stage_started = self.clock()

    def hint(self) -> str | None:
        """The next hint for this stage, or None when they are used up."""
        self._require_answering()
        rec = self.record
        if rec.hints_used >= len(self.stage.hints):
            return None
        text = self.stage.hints[rec.hints_used]
        rec.hints_used += 1
        self.state.transcript.append(Turn(role="coach", kind="hint", stage=rec.stage, text=text))
        return text

    def submit(self, answer: str) -> Outcome:
        self._require_answering()
        rec = self.record
        rec.answers.append(answer)
        self.state.transcript.append(Turn(role="candidate", kind="answer", stage=rec.stage, text=answer))
        self.state.draft = ""
        self._pause_clock()
        report = self.score_record(rec)
        rec.report = report
        followup = self._next_followup(report)
        if followup is not None:
            rec.followups.append(followup)
            self.state.awaiting_followup = True
            self.state.transcript.append(Turn(role="interviewer", kind="followup", stage=rec.stage, text=followup))
            self.state.stage_started = self.clock()
            return Outcome(kind="followup", question=followup, report=report, stage=rec.stage)
        return self._advance(report)

    def skip(self) -> Outcome:
        """Move on without answering (or without replying to the follow-up)."""
        self._require_answering()
        rec = self.record
        self._pause_clock()
        if not rec.answers:
            rec.skipped = True
        self.state.transcript.append(Turn(role="candidate", kind="skip", stage=rec.stage, text="(skipped)"))
        self.state.draft = ""
        rec.report = self.score_record(rec)
        return self._advance(rec.report)

    def move_on(self, typed: str = "") -> Outcome:
        """Skip the question, keeping what was typed: text typed so far is sent as the answer
        (never thrown away) and any follow-up it draws is declined."""
        if not typed.strip():
            return self.skip()
        outcome = self.submit(typed)
        return self.skip() if outcome.kind == "followup" else outcome

    def score_record(self, rec: StageRecord) -> ScoreReport:
        stage = self.scenario.stage(rec.stage)
        assert stage is not None
        return self.scorer.score_stage(self.scenario, stage, "\n\n".join(rec.answers), self.state.target)

    # ------------------------------------------------------------------ flow

    def _require_answering(self) -> None:
        if self.state.status != "answering":
            raise SessionError("there is no question waiting for an answer")

    def _open(self, stage: Stage) -> None:
        self.state.current = stage.id
        self.state.awaiting_followup = False
        self.state.records.append(StageRecord(stage=stage.id))
        self.state.transcript.append(Turn(role="interviewer", kind="prompt", stage=stage.id, text=stage.prompt))
        self.state.stage_started = self.clock()

    def _pause_clock(self) -> None:
        if self.state.stage_started is not None:
            self.record.seconds += max(0.0, self.clock() - self.state.stage_started)
            self.state.stage_started = None

    @staticmethod
    def facts(report: ScoreReport) -> conditions.Facts:
        concepts = [c for crit in report.criteria for c in crit.concepts]
        return conditions.Facts(
            hit=frozenset(c.ref for c in concepts if c.found),
            negated=frozenset(c.ref for c in concepts if c.negated),
            levels={c.ref: c.exact_level for c in report.criteria},
            score=report.score,
            band=report.band,
            flags=frozenset(report.flag_codes()),
            anti=frozenset(a.ref for a in report.anti_patterns),
        )

    def _next_followup(self, report: ScoreReport) -> str | None:
        rec, stage = self.record, self.stage
        if len(rec.followups) >= stage.max_followups or "empty" in report.flag_codes():
            return None
        facts = self.facts(report)
        for f in stage.followups:
            if f.ask not in rec.followups and conditions.parse(f.when).evaluate(facts):
                return f.ask
        return None

    def _advance(self, report: ScoreReport) -> Outcome:
        stage = self.stage
        facts = self.facts(report)
        visits: dict[str, int] = {}
        for r in self.state.records:
            visits[r.stage] = visits.get(r.stage, 0) + 1
        target = None
        for b in stage.branches:
            if conditions.parse(b.when).evaluate(facts) and (b.goto == "end" or visits.get(b.goto, 0) < MAX_VISITS):
                target = b.goto
                break
        if target is None:
            target = next_stage(self.scenario, self.scenario.stages.index(stage))
            # a default step back to a stage asked twice already ends the interview instead
            if target != "end" and visits.get(target, 0) >= MAX_VISITS:
                target = "end"
        self.state.awaiting_followup = False
        if target == "end":
            self.state.status = "finished"
            self.state.current = stage.id
            return Outcome(kind="finished", report=report, stage=stage.id)
        nxt = self.scenario.stage(target)
        assert nxt is not None
        self._open(nxt)
        return Outcome(kind="next", question=nxt.prompt, report=report, stage=stage.id, next_stage=nxt.id)

    # ------------------------------------------------------------------ the end

    def final_reports(self, reviewed: bool = False) -> list[tuple[StageRecord, ScoreReport]]:
        """The last record of each stage with its report (a stage asked twice counts once);
        with ``reviewed``, the mentor's view where the mentor reviewed the stage."""
        latest: dict[str, StageRecord] = {}
        for rec in self.state.records:
            latest[rec.stage] = rec
        pairs = [(rec, rec.report if rec.report else self.score_record(rec)) for rec in latest.values()]
        review = self.state.review
        if reviewed and review:
            pairs = [
                (
                    rec,
                    reviewed_report(
                        self.scorer, self.scenario, rec.stage, report, review.stages[rec.stage], self.state.target
                    )
                    if rec.stage in review.stages
                    else report,
                )
                for rec, report in pairs
            ]
        return pairs

    def advance(self, report: ScoreReport) -> Outcome:
        """Finish the current stage on ``report`` (mentor mode decides follow-ups itself)."""
        self._require_answering()
        self._pause_clock()
        return self._advance(report)

    def assessed_reports(self, reviewed: bool = False) -> list[tuple[StageRecord, ScoreReport]]:
        """final_reports() of the stages that count in the results (see `assessed`): the one
        place that decides what the summary, progress and cohorts aggregate."""
        review = self.state.review if reviewed else None
        return [
            (rec, report)
            for rec, report in self.final_reports(reviewed)
            if assessed(rec, review.stages.get(rec.stage) if review else None)
        ]

    def _combined(self, pairs: list[tuple[StageRecord, ScoreReport]]) -> ScoreReport:
        """Competencies weighted over every criterion assessed, placed on the ladder."""
        sums: dict[str, list[float]] = {}
        for _, report in pairs:
            for comp in report.competencies:
                weight = sum(c.weight for c in report.criteria if c.competency == comp.competency)
                acc = sums.setdefault(comp.competency, [0.0, 0.0])
                acc[0] += comp.score * weight
                acc[1] += weight
        combined = ScoreReport(
            words=0,
            score=0,
            band="weak",
            competencies=[
                CompetencyResult(competency=c, title=Competency(c).title, score=round(n / d, 2))
                for c, (n, d) in sums.items()
                if d
            ],
        )
        ladder = self.library.ladder.item if self.library.ladder else None
        if ladder:
            place_on_ladder(combined, ladder, self.state.target, ceiling_for(self.scenario))
        return combined

    def competencies(self, reviewed: bool = False) -> list[CompetencyResult]:
        """The session's score per competency, over the assessed stages only."""
        return self._combined(self.assessed_reports(reviewed)).competencies

    def summary(self, reviewed: bool = False) -> Summary:
        """The session's results. "Practise next" is left empty: it depends on the whole history,
        so coach.practice.history.summarise fills it in from the one recommender."""
        pairs = self.final_reports(reviewed)
        scored = self.assessed_reports(reviewed)
        combined = self._combined(scored)
        scores = [r.score for _, r in scored]
        overall = round(sum(scores) / len(scores), 1) if scores else None
        counted = {id(rec) for rec, _ in scored}
        stages = []
        for rec, report in pairs:
            st = self.scenario.stage(rec.stage)
            played = id(rec) in counted
            stages.append(
                StageSummary(
                    stage=rec.stage,
                    title=st.title if st else rec.stage,
                    score=report.score if played else None,
                    band=report.band if played else None,
                    hints_used=rec.hints_used,
                    seconds=round(rec.seconds, 1),
                    skipped=rec.skipped,
                    followups=len(rec.followups),
                    assessed=played,
                )
            )
        reached = {rec.stage for rec, _ in pairs}
        stages += [
            StageSummary(
                stage=st.id,
                title=st.title,
                score=None,
                band=None,
                hints_used=0,
                seconds=0.0,
                skipped=False,
                followups=0,
                assessed=False,
            )
            for st in self.scenario.stages
            if not st.branch_only and st.id not in reached
        ]
        strengths, work_on = self._strengths_and_work_on(scored)
        ladder = self.library.ladder.item if self.library.ladder else None
        target_title = ladder.level(self.state.target).title if ladder else self.state.target.value
        return Summary(
            scenario=self.scenario.id,
            title=self.scenario.title,
            mode=self.state.mode,
            target=self.state.target.value,
            target_title=target_title,
            score=overall,
            band=band_for(overall) if overall is not None else None,
            stages=stages,
            competencies=combined.competencies,
            level=combined.level,
            level_title=combined.level_title,
            strengths=strengths,
            work_on=work_on,
            coaching=self.scenario.coaching,
        )

    @staticmethod
    def _strengths_and_work_on(pairs: list[tuple[StageRecord, ScoreReport]]) -> tuple[list[str], list[str]]:
        """Strengths from the best stages first; then advice from the weakest stages first, one
        new piece from each in turn. A concept (or signal) credited in any stage is a strength
        and never also something to work on, even where another stage missed it."""
        items = [(report.score, *feedback_items(report)) for _, report in pairs]
        credited = {key for _, good, _ in items for key, _ in good}
        strengths: dict[str, str] = {}
        for _, good, _ in sorted(items, key=lambda i: -i[0]):
            for key, line in good[:2]:
                strengths.setdefault(key, line)
        work_on: dict[str, str] = {}
        ranked = sorted(items, key=lambda i: i[0])
        for depth in range(5):
            for _, _, advice in ranked:
                if depth < len(advice) and len(work_on) < 3:
                    key, line = advice[depth]
                    if key not in credited and line not in work_on.values():
                        work_on.setdefault(key, line)
        return list(strengths.values())[:5], list(work_on.values())
