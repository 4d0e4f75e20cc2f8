"""The scorer on real rubrics: paraphrases, negation, evidence, gaming, calibration."""

from __future__ import annotations

import json

import pytest

from coach.cli import main
from coach.library.formats import Level
from coach.scoring.engine import MAX_TOKENS, Scorer
from coach.scoring.report import ScoreReport


@pytest.fixture(scope="module")
def scorer(library):
    return Scorer(library)


@pytest.fixture(scope="module")
def upmarket(library):
    return library.scenario("upmarket-pricing")


def stage_report(scorer, scenario, stage_id: str, answer: str) -> ScoreReport:
    return scorer.score_stage(scenario, scenario.stage(stage_id), answer)


def concept(report: ScoreReport, ref: str):
    found = report.concept(ref)
    assert found is not None, ref
    return found


@pytest.mark.parametrize(
    "answer, ref, evidence",
    [
        # word forms meet through stemming
        (
            "Before launch we are load testing everything at three times peak.",
            "architecture.scale-resilience.load-testing",
            "load testing",
        ),
        # order-free paraphrase within a sentence
        (
            "We would want to test the load the system can take before we sign.",
            "architecture.scale-resilience.load-testing",
            "test the load",
        ),
        # a typo is forgiven
        (
            "We'll need a proper biling engine for usage.",
            "architecture.scale-resilience.billing-engine",
            "biling engine",
        ),
        # Unicode and curly quotes fold
        (
            "We’ll rely on monitoring and alerting dashboards.",
            "architecture.scale-resilience.observability",
            "monitoring",
        ),
    ],
)
def test_paraphrases_are_found_with_exact_evidence(scorer, upmarket, answer, ref, evidence):
    report = stage_report(scorer, upmarket, "strategy", answer)
    c = concept(report, ref)
    assert c.found and not c.negated
    # the evidence is the clause that earned the credit, quoted exactly as typed
    assert evidence in c.evidence.text and answer[c.evidence.start : c.evidence.end] == c.evidence.text


@pytest.mark.parametrize(
    "stage, answer, ref, negated",
    [
        (
            "strategy",
            "We should not touch the billing engine this year.",
            "architecture.scale-resilience.billing-engine",
            True,
        ),
        (
            "strategy",
            "Honestly there is no need for load testing here.",
            "architecture.scale-resilience.load-testing",
            True,
        ),
        (
            "billing",
            "I would not bother with a staged rollout or a rollback plan.",
            "architecture.change-safety.rollback",
            True,
        ),
        (
            "strategy",
            "We don't need SSO, audit logs or an admin console yet.",
            "architecture.scale-resilience.new-capabilities",
            True,
        ),
        (
            "strategy",
            "We can't skip load testing before business customers arrive.",
            "architecture.scale-resilience.load-testing",
            False,
        ),
        ("billing", "We will not ship until we have a rollback plan.", "architecture.change-safety.rollback", False),
        (
            "strategy",
            "No, we need load testing and a proper plan.",
            "architecture.scale-resilience.load-testing",
            False,
        ),
    ],
)
def test_negated_mentions_earn_nothing(scorer, upmarket, stage, answer, ref, negated):
    c = concept(stage_report(scorer, upmarket, stage, answer), ref)
    assert c.evidence is not None, "the answer mentions the concept"
    assert (c.negated, c.found) == ((True, False) if negated else (False, True))
    assert (c.negation is not None) == negated


def test_negated_answer_scores_below_the_same_words_affirmed(scorer, upmarket):
    stage = upmarket.stage("billing")
    negated = next(c.answer for c in stage.calibration if c.label == "negated")
    affirmed = (
        negated.replace("would not bother with", "would plan")
        .replace("don't need", "need")
        .replace("There is no need for", "We need")
        .replace("should not consider", "should consider")
        .replace("don't need deduplication", "need deduplication")
    )
    assert (
        stage_report(scorer, upmarket, "billing", affirmed).score
        > stage_report(scorer, upmarket, "billing", negated).score + 20
    )


def test_each_concept_is_credited_once(scorer, upmarket):
    once = "We need a load test before we sell to business customers, because they expect reliability."
    many = once + " " + " ".join(["Another load test, and one more load test."] * 8)
    r1, r2 = (stage_report(scorer, upmarket, "strategy", a) for a in (once, many))
    found = lambda r: sum(c.found for crit in r.criteria for c in crit.concepts)  # noqa: E731
    assert found(r1) == found(r2)
    assert r2.score <= r1.score


@pytest.mark.parametrize(
    "answer, flag",
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        ("Billing and scale.", "too_short"),
        ("asdkj qwpoe zmxnc vbnqw poiuy lkjhg asdfg qwert zxcvb mnbvc", "gibberish"),
        (
            "My favourite holiday was in Portugal last summer. We ate grilled sardines by the sea every evening and the weather was lovely.",
            "off_topic",
        ),
        (
            "billing engine, metering, scalability, load test, SLO, monitoring, SSO, admin console, discovery, roadmap, ROI",
            "buzzword_list",
        ),
        (
            "billing engine billing engine load test load test SLO SLO monitoring monitoring SSO SSO admin console",
            "buzzword_list",
        ),
    ],
)
def test_gaming_and_noise_score_low_with_a_reason(scorer, upmarket, answer, flag):
    report = stage_report(scorer, upmarket, "strategy", answer)
    assert flag in report.flag_codes()
    assert report.band == "weak" and report.score <= 20
    assert any(f.message for f in report.flags if f.code == flag)


def test_prompt_repeated_back_earns_nothing(scorer, upmarket):
    stage = upmarket.stage("strategy")
    report = stage_report(scorer, upmarket, "strategy", stage.prompt)
    assert "parroting" in report.flag_codes() and report.band == "weak"


def test_copied_briefing_sentences_earn_no_credit_but_own_words_do(scorer, upmarket):
    own = "I'd start with a load test at several times peak, and monitoring with alerting."
    copied = upmarket.briefing.situation + "\n\n" + own
    r_own, r_copied = (stage_report(scorer, upmarket, "strategy", a) for a in (own, copied))
    assert concept(r_copied, "architecture.scale-resilience.load-testing").found
    assert r_copied.score <= r_own.score + 5  # the pasted briefing adds nothing


def test_repetition_is_flagged(scorer, upmarket):
    report = stage_report(scorer, upmarket, "strategy", "We need a new billing engine to meter usage. " * 12)
    assert "repetitive" in report.flag_codes()


def test_huge_paste_is_bounded_and_says_so(scorer, upmarket):
    sentence = "We would load test the billing engine and watch p95 latency on dashboards. "
    report = stage_report(scorer, upmarket, "strategy", sentence * 2000)  # ~150,000 characters
    assert report.words == MAX_TOKENS
    assert "truncated" in report.flag_codes()


def test_markup_in_answer_is_kept_verbatim_in_evidence(scorer, upmarket):
    answer = "[bold]We need a [red]load test[/] before launch[/bold] and [/ more."
    c = concept(stage_report(scorer, upmarket, "strategy", answer), "architecture.scale-resilience.load-testing")
    assert c.found and answer[c.evidence.start : c.evidence.end] == c.evidence.text
    assert "[red]load test[/]" in c.evidence.text


def test_anti_pattern_costs_points_and_is_explained(scorer, upmarket):
    base = (
        "The slowness is a symptom: years of tech debt and shortcuts, and user management that supports "
        "one owner per list. We should refactor user management first."
    )
    blamed = base + " Honestly engineering is slow."
    r_base, r_blamed = (stage_report(scorer, upmarket, "agility", a) for a in (base, blamed))
    hit = next(a for a in r_blamed.anti_patterns if a.ref == "communication.blame")
    assert hit.evidence.text.endswith("engineering is slow")
    assert r_blamed.score < r_base.score
    assert r_blamed.improvements[0].startswith("Blames engineering or another team")


def test_ladder_placement_compares_with_target(scorer, upmarket):
    strong = next(c.answer for c in upmarket.stage("strategy").calibration if c.label == "strong")
    report = scorer.score_stage(upmarket, upmarket.stage("strategy"), strong, Level.principal_tpm)
    assert report.target == "principal-tpm"
    assert report.level is not None
    short = [c for c in report.competencies if not c.meets_target]
    for c in short:
        assert "Principal / Group TPM needs 3.25" in c.note


def test_feedback_quotes_strengths_and_advises_on_misses(scorer, upmarket):
    middling = next(c.answer for c in upmarket.stage("billing").calibration if c.label == "middling")
    report = stage_report(scorer, upmarket, "billing", middling)
    assert any("usage events" in s for s in report.strengths)
    assert report.improvements and len(report.improvements) <= 5
    assert report.model_answer and report.takeaways


def test_communication_signals_reward_structure_and_numbers(scorer, upmarket):
    vague = (
        "I think maybe we could kind of look at the billing engine and probably some scaling stuff and "
        "sort of talk to people about it at some point, I guess, and things like that really."
    )
    crisp = (
        "My recommendation: invest in the billing engine first. First, meter usage events. Second, load test "
        "at 3x peak against a 300 ms p95 target. I will review the plan with finance and the tech lead on Friday."
    )

    def signals(answer):
        report = stage_report(scorer, upmarket, "strategy", answer)
        return {s.signal: s.value for c in report.criteria for s in c.signals}

    assert signals(crisp)["answer_first"] == 1.0
    # the clarity criterion uses answer_first, structure, concision and plain_language
    assert signals(crisp)["concision"] >= signals(vague)["concision"]


def test_calibrate_passes_over_builtin_library(capsys):
    assert main(["calibrate"]) == 0
    err = capsys.readouterr().err
    assert "calibration answers in their bands" in err and "missed" not in err


def test_score_json_is_the_documented_versioned_schema(capsys, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text("I'd start with a load test and a new billing engine.")
    assert main(["score", "--scenario", "upmarket-pricing", "--answer", str(answer), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    report = ScoreReport.model_validate(data)
    assert report.stage == "strategy" and report.rubric_versions["architecture"] == 1
    assert main(["schema", "report"]) == 0
    schema = json.loads(capsys.readouterr().out)
    committed = json.loads(open("docs/schema/report.schema.json").read())
    assert schema == committed, "report JSON shape changed: bump REPORT_VERSION and refresh docs/schema"
    assert set(schema["properties"]) >= {"version", "score", "band", "criteria", "flags", "competencies"}


def test_score_text_and_markdown(capsys, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text("We need a billing engine that meters usage, and load testing before launch.")
    main(["score", "--scenario", "upmarket-pricing", "--answer", str(answer)])
    out = capsys.readouterr().out
    assert out.startswith("Score ") and "✓ Sees billing as a major investment: “We need a billing engine" in out
    main(["score", "--scenario", "upmarket-pricing", "--answer", str(answer), "--format", "markdown", "--model-answer"])
    md = capsys.readouterr().out
    assert md.startswith("## Score") and "| criterion | level | what it looks like |" in md and "**Model answer**" in md


def test_score_reads_stdin_and_rejects_unknown_stage(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("We should load test."))
    assert main(["score", "--scenario", "upmarket-pricing", "--stage", "agilty", "--answer", "-"]) == 2
    assert "unknown stage 'agilty' in upmarket-pricing (did you mean 'agility'?)" in capsys.readouterr().err


def test_explain_shows_every_concept_decision(capsys, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text("We don't need a feature flag, but a rollback plan is a must.")
    assert main(["explain", "--scenario", "upmarket-pricing", "--stage", "billing", "--answer", str(answer)]) == 0
    out = capsys.readouterr().out
    assert "NEGATED 1.00  feature-flags" in out and "negated or rejected by “don't”" in out
    assert "FOUND   1.00  rollback" in out and "“but a rollback plan is a must” via “rollback”" in out
    assert "missed " in out and "anti-patterns" in out


def test_grade_csv_reports_bad_rows_and_keeps_going(capsys, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "id,scenario,stage,answer\n"
        'a1,upmarket-pricing,strategy,"We need a billing engine, load testing and monitoring."\n'
        "a2,upmarket-pricing,nope,Something\n"
        "a3,no-such-scenario,strategy,Something\n"
        "a4,upmarket-pricing,agility,\n"
        'a5,,upmarket-pricing/agility,"Tech debt and shortcuts; user management supports one owner per list."\n'
    )
    out = tmp_path / "out.csv"
    assert main(["grade", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "skipped row 2 (id a2): unknown stage 'nope' in upmarket-pricing" in err
    assert "skipped row 3 (id a3): unknown scenario 'no-such-scenario'" in err
    assert "graded 3 answer(s), skipped 2" in err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("id,scenario,stage,score,band,level,words,flags")
    assert [ln.split(",")[0] for ln in lines[1:]] == ["a1", "a4", "a5"]
    assert ",empty" in lines[2]


def test_grade_jsonl_with_rubric_and_malformed_line(capsys, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "x", "answer": "I recommend option A because it is cheaper; we give up speed."}\n'
        "{not json}\n"
        '["a list"]\n'
    )
    assert main(["grade", str(src), "--rubric", "trade-offs"]) == 0
    captured = capsys.readouterr()
    record = json.loads(captured.out.splitlines()[0])
    assert record["id"] == "x" and record["criteria"]["trade-offs.decision"] >= 2
    assert "skipped line 2: not valid JSON" in captured.err and "skipped line 3: expected a JSON object" in captured.err


def test_drafted_rubric_prefers_paraphrase_of_the_reference(library):
    import tomllib

    from coach.library.formats import Rubric
    from coach.scoring.drafting import draft_rubric, to_toml

    rubric = draft_rubric(
        "A prototype simulates portions of the desired software product. It is not the full system.",
        "proto",
        question="What is the role of a prototype program?",
    )
    assert Rubric.model_validate(tomllib.loads(to_toml(rubric))) == rubric  # the TOML round-trips
    scorer = Scorer(library)
    good = scorer.score_rubric(
        rubric, "It simulates the behaviour of portions of the software product, not the full system."
    )
    bad = scorer.score_rubric(rubric, "A prototype program is written in C++ by the programmers for the computer.")
    assert good.score > bad.score + 30
    assert any(c.label == "not full" for crit in rubric.criteria for c in crit.concepts)


def test_calibration_level_expectation_is_checked(library, tmp_path, capsys):
    """An answer expected to show a level it does not reach is a miss: a TPM-level
    scenario shows at most Senior TPM, however strong the answer."""
    src = (library.scenarios["upmarket-pricing"].path).read_text()
    bad = src.replace(
        'level = "tpm"\nanswer = """\nMy short answer', 'level = "principal-tpm"\nanswer = """\nMy short answer', 1
    )
    assert bad != src
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "upmarket-pricing.toml").write_text(bad)
    assert main(["calibrate", "--scenarios", str(folder), "upmarket-pricing"]) == 1
    out = capsys.readouterr().out
    assert (
        "MISS  upmarket-pricing/strategy  strong: expected solid/strong level principal-tpm or above, "
        "got strong level senior-tpm"
    ) in out


def test_a_short_answer_that_says_what_was_asked_is_terse_not_a_headline(library):
    """Under the minimum length, an answer is capped as a headline only when its content is thin too."""
    from coach.scoring.drafting import draft_rubric

    rubric = draft_rubric(
        "A stack is a last-in first-out structure: the element pushed most recently is popped first. "
        "Pushing and popping happen at the top, in constant time.",
        "stack",
        question="What is a stack?",
    )
    scorer = Scorer(library)
    terse = scorer.score_rubric(rubric, "Last in first out, popped at the top, in constant time.")
    headline = scorer.score_rubric(rubric, "A data structure.")
    assert "too_short" not in [f.code for f in terse.flags] and terse.score > 50
    assert "too_short" in [f.code for f in headline.flags] and headline.score <= 20
