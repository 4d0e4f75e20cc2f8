"""`coach explain`: how each concept was decided, so authors can tune rubrics."""

from __future__ import annotations

from coach.library.formats import Rubric, Scenario, Stage
from coach.scoring.engine import Scorer, Target
from coach.scoring.matching import AnswerIndex
from coach.scoring.report import ScoreReport
from coach.scoring.text import tokenize


def explain_text(scorer: Scorer, scenario: Scenario, stage: Stage, answer: str) -> str:
    report = scorer.score_stage(scenario, stage, answer)
    return _explain(f"{scenario.id}/{stage.id}", scorer.stage_target(scenario, stage), report, answer)


def explain_rubric_text(scorer: Scorer, rubric: Rubric, answer: str, prompt: str = "") -> str:
    """The same for an answer scored against a rubric on its own (as `coach grade --rubric` does)."""
    report = scorer.score_rubric(rubric, answer, prompt)
    return _explain(f"rubric {rubric.id}", scorer.rubric_target(rubric, prompt), report, answer)


def _explain(title: str, target: Target, report: ScoreReport, answer: str) -> str:
    index = AnswerIndex(tokenize(answer), matcher=target.matcher)
    out = [f"{title}: score {report.score:g} ({report.band}), {report.words} words"]
    for f in report.flags:
        out.append(f"flag {f.code}: {f.message}")
    concepts = {c.ref: c for crit in target.criteria for c in crit.concepts}
    for crit in report.criteria:
        out += ["", f"{crit.ref}  level {crit.level}/4  ({crit.scoring})"]
        for c in crit.concepts:
            decision = "FOUND  " if c.found else ("NEGATED" if c.negated else "missed ")
            line = f"  {decision} {c.similarity:4.2f}  {c.ref.split('.')[-1]}"
            if c.evidence:
                line += f"  [{c.evidence.start}:{c.evidence.end}] “{c.evidence.text}” via “{c.phrase}”"
                line += "" if c.concrete or not c.found else "  (named in general: no number, time, condition or owner)"
            if c.negation:
                verb = "earned by the omission" if c.found else "negated or rejected by"
                line += f"  {verb} “{c.negation.text}” at {c.negation.start}"
            out.append(line)
            if not c.found:
                # the nearest phrases, to show what wording would have matched
                near = sorted(((index.find(p)[2], p) for p in concepts[c.ref].phrases), reverse=True)[:2]
                for share, phrase in near:
                    if share > 0:
                        assert target.matcher is not None
                        terms = target.matcher.compile(phrase)[0].terms
                        stems = " ".join(t.key for t in terms)
                        out.append(f"           {share:4.2f} of the words of “{phrase}” ({stems}) appear, not together")
        for s in crit.signals:
            out.append(f"  signal  {s.value:4.2f}  {s.signal}: {s.note}" + (f" {s.advice}" if s.advice else ""))
    out += ["", "anti-patterns"]
    found = {a.ref: a for a in report.anti_patterns}
    for ref, _pattern, _rubric in target.anti_patterns:
        hit = found.get(ref)
        out.append(
            f"  {'FOUND' if hit else 'no   '}  {ref}" + (f"  “{hit.evidence.text}” (-{hit.penalty:g})" if hit else "")
        )
    return "\n".join(out)
