"""The behavioral rubric on stories written as candidates tell them: calibration of the bands,
"I" against "we", numbers, lessons, and the anti-patterns interviewers listen for."""

from __future__ import annotations

import pytest

from coach.scoring.engine import Scorer
from coach.scoring.report import ScoreReport

STRONG = """\
Last year I was the TPM for billing at a 200-person SaaS company. Two weeks before a fixed launch date for our
biggest customer, the payments team and the platform team disagreed about who owned the retry logic, and the work
was slipping. If we missed the date, a $1.2 million renewal was at risk. My goal was to get one owner and a plan
within a week.

I mapped every open task to a team and found three tasks nobody owned. I met with both tech leads one to one to
hear their concerns, then I proposed a split: platform owns retries, payments owns the ledger. I decided to cut the
invoice redesign from the launch and told the VP that day, with two options and their costs. I made a mistake early
on by letting the argument run in Slack for a week; that was on me.

As a result we shipped on time, the customer renewed, and failed payments dropped from 4% to 1.5% in the first
month. The ownership map became the standard template for launches in our group.

I learned that a conflict between teams is usually a missing owner, not a personality clash. Next time I would put
the owners on paper in the first week instead of waiting for the slip. Since then I start every program with an
ownership map.
"""

# The same kind of story in everyday words: none of the rubric's headings, all of its substance.
PLAIN_WORDS = """\
Back in 2022 I was running the mobile app program at a travel startup. Our iOS release was stuck because the API
team and the app team each thought the other was fixing a login bug, and the holiday sale started in ten days. If
the app wasn't out by then, we'd lose most of the sale traffic.

I sat down with both leads, went through the bug report line by line and wrote down who would do what by Friday.
I picked the API fix over the app workaround because it also fixed the website. I told my boss the same afternoon
that we might slip a day.

We made the date with a day to spare and bookings on the app were up 30 percent on the year before. The checklist I
wrote is still used by the team for every release.

Looking back, I should have asked who owned the bug on day one instead of day four. Ever since, I put an owner next
to every blocking bug in our standup.
"""

# A real situation and a happy ending, but told in "we" from start to finish.
ALL_WE = """\
Last year we had a launch for a big customer and the payments and platform teams disagreed about the retry logic.
We had a few meetings and we worked it out together. We split the work and we cut some scope. In the end we shipped
on time and the customer was happy. We learned that communication is important and we now talk more often.
"""

# What one usually does, instead of a story.
GENERIC = """\
When there is conflict between teams I usually try to get everyone in a room and understand their perspectives.
Communication is key, and I think it is important to stay calm and focus on the customer. Usually people come
around when they see the data.
"""

BLAME = """\
At my last company the launch slipped by six weeks. The other team failed to deliver their API, it was their fault
and there was nothing I could do. I told my manager it was out of my hands. In the end we launched late and lost the
contract. I learned to not depend on that team.
"""

BUZZWORDS = (
    "Ownership, conflict resolution, stakeholders, deadline, customer obsession, revenue, lessons learned, "
    "deliver results, bias for action, earn trust."
)


@pytest.fixture(scope="module")
def score(library):
    scorer = Scorer(library)
    rubric = library.rubric("behavioral")

    def run(story: str) -> ScoreReport:
        return scorer.score_rubric(rubric, story)

    return run


def level(report: ScoreReport, criterion: str) -> int:
    return next(c.level for c in report.criteria if c.ref == f"behavioral.{criterion}")


def test_the_rubric_has_the_criteria_the_behavioral_scenarios_assess(library):
    rubric = library.rubric("behavioral")
    assert rubric.competency.value == "behavioral"
    assert [c.id for c in rubric.criteria][:4] == ["situation", "ownership", "result", "learning"]
    ladder = library.ladder.item
    assert all(lvl.expects[rubric.competency] and lvl.minimums[rubric.competency] for lvl in ladder.levels)


@pytest.mark.parametrize(
    "story, bands",
    [
        (STRONG, {"strong"}),
        (PLAIN_WORDS, {"solid", "strong"}),
        (ALL_WE, {"weak", "developing"}),
        (GENERIC, {"weak"}),
        (BLAME, {"weak"}),
        (BUZZWORDS, {"weak"}),
    ],
    ids=["strong", "plain-words", "all-we", "generic", "blame", "buzzwords"],
)
def test_calibration_bands(score, story: str, bands: set[str]):
    assert score(story).band in bands


def test_a_strong_story_scores_every_part(score):
    report = score(STRONG)
    assert {c: level(report, c) for c in ("situation", "ownership", "result", "learning")} == {
        "situation": 4,
        "ownership": 4,
        "result": 4,
        "learning": 4,  # "since then I start every program with an ownership map": it changed how they work
    }
    assert report.concept("behavioral.result.numbers").found
    assert report.concept("behavioral.learning.changed").evidence.text.startswith("Since then I start every program")
    assert report.concept("behavioral.learning.differently").evidence.text.startswith("Next time I would put")


def test_we_earns_no_ownership_and_i_does(score):
    """The same actions told in "we" and in "I": only the first person shows the candidate's part."""
    we = score("Last year the launch was slipping. We decided to cut scope, we wrote the plan and we told the VP.")
    i = score("Last year the launch was slipping. I decided to cut scope, I wrote the plan and I told the VP.")
    assert level(we, "ownership") == 0
    assert level(i, "ownership") >= 2
    assert i.concept("behavioral.ownership.decision").evidence.text.startswith("I decided to cut scope")
    voice = {s.signal: s for c in we.criteria for s in c.signals}["first_person"]
    assert voice.value == 0 and "'we' 3 time(s)" in voice.note and "'I' 0 time(s)" in voice.note


def test_all_we_story_is_told_what_to_change(score):
    report = score(ALL_WE)
    assert level(report, "ownership") == 0
    assert any("Say what you did yourself" in line for line in report.improvements)


def test_a_result_needs_numbers_and_a_lesson_needs_more_than_a_platitude(score):
    report = score(ALL_WE)
    assert report.concept("behavioral.result.outcome").found  # "In the end we shipped on time"
    assert not report.concept("behavioral.result.numbers").found
    assert level(report, "learning") <= 1  # "communication is important"


def test_blame_and_a_disguised_strength_cost_points(score):
    blame = score(BLAME)
    assert [hit.ref for hit in blame.anti_patterns] == ["behavioral.blame-others"]
    humblebrag = score(
        "My biggest failure? Honestly I work too hard and I am a perfectionist, so at my last job I kept "
        "polishing the launch plan for weeks before sharing it with the team."
    )
    assert "behavioral.disguised-strength" in [hit.ref for hit in humblebrag.anti_patterns]


def test_i_e_is_not_the_first_person(score):
    report = score("We kept the scope, i.e. the API and the app, and we shipped it last year at my last company.")
    voice = {s.signal: s for c in report.criteria for s in c.signals}["first_person"]
    assert "'I' 0 time(s)" in voice.note


def test_claiming_a_trait_instead_of_showing_it_costs_points(score):
    report = score(
        "My manager gave me a vague project to improve reporting. Honestly I thrive on ambiguity and I am "
        "comfortable with ambiguity, so I got going and the reports got better."
    )
    assert "behavioral.claims-a-trait" in [hit.ref for hit in report.anti_patterns]


def test_a_story_told_in_everyday_words_earns_each_part(score):
    """No rubric headings: "would miss its date" is the problem, "moved with no errors" the
    outcome, "zero mismatches" a number, "on my next migration" a lesson that stuck."""
    report = score(
        "Three years ago I ran the move of our invoices to a new ledger, and in week two I saw we would miss the "
        "date the finance director had promised the auditors. I kept the plan updated and told her that morning. "
        "In the end every customer moved with no errors. The nightly comparison has shown zero mismatches since. "
        "I learned to count records on both sides before the first cut. On my next migration I did that on day one."
    )
    parts = "situation.setting situation.problem ownership.own-actions result.outcome result.numbers learning.changed"
    assert [p for p in parts.split() if not report.concept(f"behavioral.{p}").found] == []
