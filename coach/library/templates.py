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
area = "program-execution"           # the loop round: program-execution | system-design | behavioral |
                                     # metrics | product-sense | written
# coaching = true                    # a coaching talk, not an interview question: not ladder evidence
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
# The example stage below is consistent from prompt to calibration answers, so the file
# passes `coach calibrate` as written. Replace it all, and keep the calibration honest:
# a weak answer must be one a real candidate could give, not a bands-fitting trick.
id = "first-question"
title = "The first question"
prompt = """
What the interviewer asks, in their own voice. For example: engineering can ship the whole
admin console next quarter, or invites alone in six weeks. What would you do, and why?
"""
time_limit_minutes = 5               # optional soft limit; the answer is never lost
hints = ["A nudge, revealed on request: what matters most right now?", "A stronger nudge: what does your choice give up?"]
model_answer = """
What a strong answer at the target level says; learners study it afterwards. For example:
We have two options: the whole console costs a quarter of engineering time, invites alone
six weeks. I recommend invites first, because what matters most is learning whether teams
adopt sharing at all. The trade-off is that the admin features wait a quarter, and we
accept some rework. If adoption is under 10% after six weeks we revisit the plan.
"""
takeaways = ["Say what you give up, not only what you choose."]

[stages.mentor]                      # notes for a mentor running the stage live
probe = ["What to ask if the answer stays shallow: what are you giving up?"]
strong = ["What a strong answer shows: a clear call, the reason, the cost and a signal to revisit."]

[[stages.assess]]                    # a rubric criterion this stage assesses: rubric.criterion
criterion = "trade-offs.decision"

[[stages.assess]]                    # assess what the prompt asks for: here, two options to compare
criterion = "trade-offs.options"

[[stages.assess]]
criterion = "communication.clarity"

[[stages.followups]]                 # asked when the condition holds after the answer
when = "missed(trade-offs.decision.sacrifice)"
ask = "What are you giving up with that choice?"

# The author's tests: `coach calibrate` scores each answer and checks it lands in `expect`.
# Give each stage at least a strong, a middling and a weak answer, written as a real
# candidate would. When the scorer cannot tell them apart, improve the rubric's phrases,
# never the bands.
[[stages.calibration]]
label = "strong"
expect = ["solid", "strong"]
answer = """
There are two options: the full admin console, a quarter of engineering time, or invites
alone in six weeks. The risk of the big one is building admin features nobody uses.
I recommend shipping the smaller version first because what matters most is learning
whether teams adopt it. The trade-off is that we defer the admin features a quarter, and we
accept some rework. If adoption is under 10% after six weeks we revisit the plan. Next step:
I will share the plan with engineering and design on Friday.
"""

[[stages.calibration]]
label = "middling"
expect = ["developing", "solid"]
answer = """
I would ship invites first: the main reason is that teams ask for sharing far more than for admin
settings. The trade-off is that the admin console has to wait a quarter.
"""

[[stages.calibration]]
label = "weak"
expect = ["weak"]
answer = """
We can do it all in parallel if everyone works a bit harder. Everything is a priority right now.
"""
'''


def new_scenario(scenario_id: str) -> str:
    return SCENARIO.format(id=scenario_id, path_hint=f"{scenario_id}.toml")
