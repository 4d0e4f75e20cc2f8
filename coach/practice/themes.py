"""The competencies behavioral questions ask about ("tell me about a conflict..."), which stories
are tagged with, and the words that give each away. Plain data with no heavy imports: the CLI
lists them in `coach story add --help`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """A competency behavioral questions ask about, and the words that give it away in a
    question or a story. ``principles`` are Amazon's Leadership Principles it shows."""

    id: str
    title: str
    words: str
    """Its phrases, separated by commas (matched as rubric phrases are)."""
    principles: str = ""

    @property
    def phrases(self) -> list[str]:
        return [p.strip() for p in self.words.split(",")]


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme(
            "conflict",
            "Conflict between teams or people",
            (
                "conflict, disagreement, disagreed, clash, tension, did not get along, difficult colleague, difficult "
                "stakeholder, pushback, competing priorities, two teams, argument"
            ),
            "Earn Trust; Have Backbone",
        ),
        Theme(
            "failure",
            "A failure you owned",
            (
                "failure, failed, mistake, went wrong, missed a deadline, did not go well, regret, setback, "
                "postmortem, got it wrong"
            ),
            "Ownership; Learn and Be Curious",
        ),
        Theme(
            "disagree-commit",
            "Disagree and commit",
            (
                "disagree and commit, decision you disagreed with, overruled, went along with, committed anyway, did "
                "not agree with the decision, pushed back on your manager, disagreed with your manager"
            ),
            "Have Backbone; Disagree and Commit",
        ),
        Theme(
            "bad-news",
            "Bad news to an executive",
            (
                "bad news, tell leadership, executive, escalate, escalation, slip the date, missed the date, senior "
                "leadership, difficult message, told the vp, told my director"
            ),
            "Ownership; Earn Trust",
        ),
        Theme(
            "ambiguity",
            "Leading through ambiguity",
            (
                "ambiguity, ambiguous, unclear, uncertain, no clear direction, undefined, vague, no requirements, "
                "nobody knew, no owner"
            ),
            "Bias for Action; Dive Deep",
        ),
        Theme(
            "influence",
            "Influence without authority",
            (
                "influence, without authority, convince, persuade, buy in, bring people along, win over, change their "
                "mind, no authority"
            ),
            "Earn Trust; Think Big",
        ),
        Theme(
            "trade-off",
            "A hard trade-off or priority call",
            (
                "trade off, prioritize, prioritise, cut scope, say no, competing requests, hard choice, difficult "
                "decision, had to choose"
            ),
            "Bias for Action; Frugality",
        ),
        Theme(
            "delivery",
            "Delivering under pressure",
            (
                "tight deadline, deadline, under pressure, slipping, behind schedule, on time, crunch, fixed date, "
                "deliver results, launch date"
            ),
            "Deliver Results; Insist on the Highest Standards",
        ),
        Theme(
            "customer",
            "Putting the customer first",
            "customer, user, client, customer complaint, customer escalation, customer obsession",
            "Customer Obsession",
        ),
        Theme(
            "data",
            "A decision made with data",
            "data, metrics, experiment, a b test, analysis, dashboard, measured",
            "Dive Deep; Are Right, A Lot",
        ),
        Theme(
            "developing-others",
            "Developing others",
            "mentor, coach, develop someone, grow, hire, underperforming, feedback to a peer",
            "Hire and Develop the Best",
        ),
    )
}


def theme_titles(ids: Iterable[str]) -> list[str]:
    return [THEMES[i].title if i in THEMES else i for i in ids]
