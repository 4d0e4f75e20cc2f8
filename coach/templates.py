"""Starting files for authors (`coach new scenario ID`)."""

from __future__ import annotations

SCENARIO = '''\
# A new TPM Coach scenario. Every field is explained in docs/authoring.md.
# Check it with:  coach validate {path_hint}
# Try it with:    coach practice {id}
#
# TOML reminder: every key after a [table] or [[table]] header belongs to that table,
# so put a stage's plain keys (prompt, hints, model_answer...) before its [[stages.*]] tables.

id = "{id}"
title = "A short, specific title"
summary = """
One or two sentences a learner reads in the catalogue: the situation and what is practised.
"""
difficulty = "intermediate"          # foundation | intermediate | advanced
level = "tpm"                        # associate-pm | tpm | senior-tpm | principal-tpm | vp-product
tags = ["roadmap"]
minutes = 15                         # estimated time to play it through
rubrics = ["trade-offs", "communication"]   # ids of the rubrics the stages assess

[persona]
name = "Sam Rivera"
role = "Engineering manager"
manner = "Calm and curious; asks 'why' twice before accepting an answer."

[briefing]
situation = """
What the candidate is told before the first question: the product, the numbers, the tension.
"""

[[briefing.exhibits]]                # optional: small tables or notes
title = "Key numbers"
columns = ["Metric", "Value"]
rows = [["Weekly active users", "120,000"]]

[[stages]]
id = "first-question"
title = "The first question"
prompt = """
What the interviewer asks, in their own voice.
"""
time_limit_minutes = 5               # optional soft limit; the answer is never lost
hints = ["A nudge, revealed on request.", "A stronger nudge."]
model_answer = """
What a strong answer at the target level says. Learners study this afterwards.
"""
takeaways = ["One lesson to remember."]

[stages.mentor]                      # notes for a mentor running the stage live
probe = ["What to ask if the answer stays shallow."]
strong = ["What a strong answer shows."]

[[stages.assess]]                    # a rubric criterion this stage assesses: rubric.criterion
criterion = "trade-offs.decision"

[[stages.assess]]
criterion = "communication.clarity"

[[stages.followups]]                 # asked when the condition holds after the answer
when = "missed(trade-offs.decision.sacrifice)"
ask = "What are you giving up with that choice?"

[[stages.calibration]]               # the author's tests: `coach calibrate` checks them
label = "strong"
expect = ["solid", "strong"]
answer = """
I recommend shipping the smaller version first because what matters most is learning
whether teams adopt it. The trade-off is that we defer the admin features a quarter, and we
accept some rework. If adoption is under 10% after six weeks we revisit the plan. Next step:
I will share the plan with engineering and design on Friday.
"""

[[stages.calibration]]
label = "weak"
expect = ["weak"]
answer = "We should just build everything."
'''


def new_scenario(scenario_id: str) -> str:
    return SCENARIO.format(id=scenario_id, path_hint=f"{scenario_id}.toml")
