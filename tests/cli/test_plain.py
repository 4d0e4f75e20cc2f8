"""`coach practice ID --plain`, fed a transcript through stdin."""

from __future__ import annotations

import os
import subprocess
import sys

ANSWERS = (
    "\n\n".join(
        [
            "We need to scale the servers and add monitoring with alerting and a load test.",
            "/hint",
            "Right: the billing engine must meter usage events and invoice them.",
            "Metering usage events exactly once, with idempotent processing and line items on every invoice; "
            "finance reconciles. Flat-price customers migrate at renewal, behind a feature flag with a rollback plan.",
            "/skip",
            "/quit",
        ]
    )
    + "\n"
)


def run_plain(home, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COACH_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "coach", "practice", "upmarket-pricing", "--plain", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_plain_transcript_from_stdin_is_deterministic(tmp_path):
    first = run_plain(tmp_path / "a", ANSWERS)
    second = run_plain(tmp_path / "b", ANSWERS)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    out = first.stdout
    assert "== Question 1 of 4: What the strategy means for engineering, about 5 min ==" in out
    assert "  | We need to scale the servers" in out  # answers are echoed into the transcript
    assert "Marta Lindqvist (follow-up):\n  You haven't mentioned billing." in out
    assert "Hint: " in out
    assert "Score " in out and "Model answer" in out  # study mode: feedback after each stage
    assert "== Question 2 of 4: The billing engine" in out
    assert "resume" in first.stderr and "--resume" in first.stderr


def test_plain_runs_to_the_summary_and_interview_mode_holds_feedback(tmp_path):
    answers = "\n\n".join(["/skip"] * 8) + "\n"
    result = run_plain(tmp_path, answers, "--mode", "interview")
    assert result.returncode == 0, result.stderr
    assert "Score " not in result.stdout.split("Summary:")[0]  # no feedback before the end
    assert "Summary: Moving upmarket" in result.stdout
    # every question skipped: nothing is assessed, and nothing says 0
    assert "Overall not assessed" in result.stdout and "  skipped       -  " in result.stdout
    assert "0/100" not in result.stdout and "Practise next: " in result.stdout


def test_plain_resume_continues_the_saved_session(tmp_path):
    first = run_plain(tmp_path, "We need a load test and monitoring before we sell to business customers.\n\n/quit\n")
    session_id = first.stderr.split("--resume ")[1].split()[0]
    env = dict(os.environ, COACH_HOME=str(tmp_path))
    resumed = subprocess.run(
        [sys.executable, "-m", "coach", "practice", "--resume", session_id, "--plain"],
        input="/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("TPM Coach · resuming Moving upmarket")
    assert "(follow-up)" in resumed.stdout  # it stopped waiting for the follow-up reply


def test_plain_needs_a_scenario(tmp_path):
    env = dict(os.environ, COACH_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "coach", "practice", "--plain"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2 and "say which scenario to practise" in result.stderr


def _saved(home, session_id: str) -> tuple[dict, tuple[str, str] | None]:
    """The saved session state and draft, read as the next `coach` would."""
    import json

    from coach.practice.store import Store

    store = Store(home / "history.sqlite3")
    try:
        return json.loads(store.load_state(session_id)), store.draft(session_id)
    finally:
        store.close()


def test_quit_after_text_keeps_it_as_the_draft_and_resume_shows_it_as_text(tmp_path):
    first = run_plain(tmp_path, "We need a load test\nand monitoring first.\n/quit\n")
    assert first.returncode == 0, first.stderr
    assert "saved with your draft" in first.stderr
    session_id = first.stderr.split("--resume ")[1].split()[0]
    state, draft = _saved(tmp_path, session_id)
    assert draft == ("strategy", "We need a load test\nand monitoring first.")
    assert state["records"][0]["answers"] == []  # /quit is not sent as part of an answer
    env = dict(os.environ, COACH_HOME=str(tmp_path))
    resumed = subprocess.run(
        [sys.executable, "-m", "coach", "practice", "--resume", session_id, "--plain"],
        input="Then billing.\n\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "  | We need a load test\n  | and monitoring first.\n" in resumed.stdout  # text, not a repr
    assert "\\n" not in resumed.stdout
    state, _ = _saved(tmp_path, session_id)
    # the draft was the start of the answer; the line typed after resuming was added to it
    assert state["records"][0]["answers"] == ["We need a load test\nand monitoring first.\nThen billing."]


def test_hint_after_text_shows_the_hint_and_the_answer_carries_on(tmp_path):
    result = run_plain(tmp_path, "We need a load test\n/hint\nand a billing engine that meters usage.\n\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Hint: Think of three areas of investment" in result.stdout
    session_id = result.stderr.split("--resume ")[1].split()[0]
    state, _ = _saved(tmp_path, session_id)
    assert state["records"][0]["answers"] == ["We need a load test\nand a billing engine that meters usage."]
    assert state["records"][0]["hints_used"] == 1


def test_skip_after_text_sends_it_and_moves_on_without_a_follow_up(tmp_path):
    result = run_plain(tmp_path, "We need a load test and monitoring.\n/skip\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "(follow-up)" not in result.stdout
    assert "== Question 2 of 4: The billing engine" in result.stdout
    session_id = result.stderr.split("--resume ")[1].split()[0]
    state, _ = _saved(tmp_path, session_id)
    assert state["records"][0]["answers"] == ["We need a load test and monitoring."]  # never lost
