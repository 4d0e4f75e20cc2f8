"""Export files: one record model, one reader; bad lines are skipped and named by number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli import main
from coach.practice.exchange import EXPORT_FORMAT, EXPORT_VERSION, ExportRecord, read_export
from coach.practice.history import export_lines, import_file
from coach.practice.resume import persist
from coach.practice.store import Store
from tests.practice.test_history import play


def test_a_record_round_trips_through_its_line(library):
    s = play(library, "upmarket-pricing")
    s.state.learner = "Ana"
    line = ExportRecord.of(s.state, "Moving upmarket", 61.5).line()
    data = json.loads(line)
    assert list(data) == ["format", "version", "title", "learner", "score", "state"]  # the file's field order
    assert (data["format"], data["version"], data["learner"]) == (EXPORT_FORMAT, EXPORT_VERSION, "Ana")
    back = ExportRecord.from_line(line)
    assert back.state == s.state and (back.title, back.score) == ("Moving upmarket", 61.5)
    assert ExportRecord.of(json.loads(s.dump()), "t", None).state == s.state  # from stored JSON data too


def test_exported_lines_read_back_as_the_stored_sessions(library, tmp_path: Path):
    store = Store()
    sessions = [play(library, "upmarket-pricing"), play(library, "data-product", "middling")]
    for s in sessions:
        persist(store, s)
    path = tmp_path / "out.jsonl"
    path.write_text("\n".join(export_lines(store, learner="Sam")) + "\n")
    exported = read_export(path)
    assert exported.problems == []
    assert [r.state.id for _, r in exported.records] == [s.state.id for s in sessions]  # oldest first
    assert {r.learner for _, r in exported.records} == {"Sam"} == {r.state.learner for _, r in exported.records}


@pytest.mark.parametrize(
    "line, message",
    [
        ("{broken", "not valid JSON"),
        ('["a list"]', "not a TPM Coach session export"),
        ('{"format": "something-else", "state": {}}', "not a TPM Coach session export"),
        (
            '{"format": "tpm-coach-session", "version": 99, "state": {}}',
            "written by a newer coach; upgrade to import it",
        ),
        ('{"format": "tpm-coach-session", "version": 1, "state": {"scenario": "x"}}', "state.target: Field required"),
    ],
)
def test_bad_lines_are_skipped_and_named_by_number(library, tmp_path: Path, line: str, message: str):
    good = ExportRecord.of(play(library, "upmarket-pricing").state, "t", 50.0).line()
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{good}\n\n{line}\n{good}\n")
    exported = read_export(path)
    assert [number for number, _ in exported.records] == [1, 4]  # the blank line is no problem
    assert len(exported.problems) == 1 and exported.problems[0][0] == 3
    assert exported.problems[0][1].startswith(message) and "\n" not in exported.problems[0][1]
    assert exported.problem_lines() == [f"line 3: {exported.problems[0][1]}"]


def test_import_keeps_the_good_lines_around_a_bad_one(library, tmp_path: Path):
    s = play(library, "upmarket-pricing")
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"format": "tpm-coach-session", "version": 7}\n' + ExportRecord.of(s.state, "t", 1.0).line() + "\n"
    )
    result = import_file(Store(), library, path)
    assert result.added == 1 and result.problems == ["line 1: written by a newer coach; upgrade to import it"]


def test_cohort_names_every_bad_line_of_a_file(library, tmp_path: Path, capsys):
    good = ExportRecord.of(play(library, "upmarket-pricing").state, "t", 50.0).line()
    path = tmp_path / "ana.jsonl"
    path.write_text(f"{good}\n{{broken\n{good}\n[]\n")
    assert main(["cohort", str(path)]) != 0
    err = capsys.readouterr().err
    assert f"{path}:2: not valid JSON" in err and f"{path}:4: not a TPM Coach session export" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- hostile files (issue 13)

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"


def _stored(store: Store, session_id: str) -> dict:
    return json.loads(store.load_state(session_id))


def test_an_import_never_rewrites_a_stored_sessions_answers_or_scores(library, capsys):
    """import-overwrite.jsonl: the id of a session we have, a newer review, other answers and a score of 100.
    The review is taken; the answers, reports and score stay ours; the import says so for the record."""
    store = Store()
    ours = play(library, "upmarket-pricing", "middling")
    ours.state.id = "victim0001"
    persist(store, ours)
    before = _stored(store, "victim0001")
    score_before = store.sessions()[0].score

    assert main(["import", str(HOSTILE / "import-overwrite.jsonl")]) == 0
    out = capsys.readouterr().out
    after = _stored(store, "victim0001")
    assert after["records"] == before["records"] and after["transcript"] == before["transcript"]
    assert "OVERWRITTEN BY IMPORT" not in json.dumps(after)
    assert store.sessions()[0].score == score_before != 100
    assert after["review"]["mentor"] == "Mallory" and after["review"]["comment"] == "Reviewed by Mallory"
    assert "line 1, session victim0001: already present; took the newer review by Mallory" in out
    assert "the file's answers differ from yours and were not taken" in out


def test_a_forged_score_never_counts_before_verification(library, capsys):
    """forged-scores.jsonl: 100 and 4.00 for "I do not know.". Imported without --verify, its scenario in the
    library, it is stored without the file's scores (neither the 100 nor a report), shown "awaiting verification",
    and counts nowhere: not in progress, not in `coach next`; both say a session awaits verification. The import
    says how to verify it."""
    store = Store()
    assert main(["import", str(HOSTILE / "forged-scores.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "session forged0001: added without the file's scores; awaiting verification" in out
    assert "1 imported session(s) await verification" in out and "`coach rescore`" in out
    assert not store.row("forged0001").verified and store.row("forged0001").score is None
    assert [rec.get("report") for rec in _stored(store, "forged0001")["records"]] == [None]
    assert timeline_ids(store, library) == set()
    assert main(["history"]) == 0
    history = capsys.readouterr().out
    rows = {line.split()[0]: line for line in history.splitlines()[1:3]}
    assert "awaiting verification" in rows["forged0001"] and " 100" not in rows["forged0001"]
    assert "100 (as exported, not verified)" in rows["forged0002"]  # its scenario is not in the library
    assert "1 imported session(s) awaiting verification, not counted yet" in history
    assert main(["next"]) == 0
    said = capsys.readouterr().out
    assert "No answered sessions yet" in said and "1 imported session(s) awaiting verification" in said
    assert main(["report", "--progress"]) == 0
    progress = capsys.readouterr().out
    assert "1 imported session(s) awaiting verification, not counted yet" in progress
    assert "No finished sessions yet." in progress  # the forged 100 is on no chart


@pytest.mark.parametrize("verify", [["rescore"], ["import", "--verify", str(HOSTILE / "forged-scores.jsonl")]])
def test_imported_scores_are_recomputed_or_marked_not_verified(library, capsys, verify):
    """forged-scores.jsonl: 100 and 4.00 for "I do not know." (recomputed by `coach rescore` or `import --verify`,
    with the version that scored it), and 100 for a scenario not in the library (kept, marked "as exported, not
    verified" everywhere)."""
    store = Store()
    if verify[0] == "rescore":
        assert main(["import", str(HOSTILE / "forged-scores.jsonl")]) == 0
        capsys.readouterr()
    assert main(verify) == 0
    out = capsys.readouterr().out
    version = library.scenario("upmarket-pricing").version
    assert "forged0001 upmarket-pricing: overall 100 -> " not in out  # the file's 100 was never kept
    assert f"scores recomputed from the answers with upmarket-pricing version {version} " in out
    assert "(the file's were from version 7)" in out and "the file said" not in out
    assert "Verified 1 of 1 session(s) awaiting verification" in out and "await verification:" not in out
    if verify[0] == "import":
        assert "session forged0002: added; scores as exported, not verified (scenario no-such-scenario" in out

    rows = {r.id: r for r in store.sessions()}
    assert rows["forged0001"].verified and rows["forged0001"].score < 30
    assert not rows["forged0002"].verified and rows["forged0002"].score == 100
    state = _stored(store, "forged0001")
    assert state["scenario_version"] == version and state["records"][0]["report"]["score"] < 30
    assert all(c["score"] < 1 for c in state["records"][0]["report"]["competencies"])

    assert main(["history"]) == 0
    out = capsys.readouterr().out
    history = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "100 (as exported, not verified)" in history["forged0002"]
    assert " 100" not in history["forged0001"] and "awaiting verification" not in out
    assert main(["history", "--json"]) == 0
    verified = {row["id"]: row["verified"] for row in json.loads(capsys.readouterr().out)}
    assert verified == {"forged0001": True, "forged0002": False}
    assert timeline_ids(store, library) == {"forged0001"}, "a score nobody verified is not progress"
    assert main(["next"]) == 0
    assert "awaiting verification" not in capsys.readouterr().out

    assert main(["report", "forged0001"]) == 0
    report = capsys.readouterr().out
    assert "Overall **100" not in report and "not verified" not in report
    assert main(["cohort", str(HOSTILE / "forged-scores.jsonl"), "--format", "json"]) == 0
    captured = capsys.readouterr()
    (row,) = json.loads(captured.out)
    assert max(row["competencies"].values()) < 1 and row["not_verified"] == []
    assert "1 finished session(s) of scenarios not in your library were left out" in captured.err


def test_an_interrupted_verification_keeps_the_rest_awaiting(library, capsys, tmp_path):
    """Verification stopped after the first session (Ctrl+C, the app closed): that one is saved verified,
    the others stay awaiting, and the next `coach rescore` verifies them."""
    from coach.practice.history import verify_pending

    sessions = [play(library, "upmarket-pricing", label) for label in ("strong", "middling", "weak")]
    for n, s in enumerate(sessions):
        s.state.id, s.state.started = f"sent{n}", f"2026-05-0{n + 1}T10:00:00+00:00"
    path = tmp_path / "three.jsonl"
    path.write_text("".join(ExportRecord.of(s.state, "t", 99.0).line() + "\n" for s in sessions))
    assert main(["import", str(path)]) == 0
    store = Store()

    def interrupt(_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        verify_pending(store, library, done=interrupt)
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    verified = {row["id"]: row["verified"] for row in json.loads(capsys.readouterr().out)}
    assert verified == {"sent0": True, "sent1": False, "sent2": False}
    assert main(["next"]) == 0
    assert "2 imported session(s) awaiting verification" in capsys.readouterr().out
    assert main(["rescore"]) == 0
    out = capsys.readouterr().out
    assert "[1/2] sent1 upmarket-pricing: overall " in out and "Verified 2 of 2 session(s)" in out
    assert "overall 99" not in out  # imported without the file's scores
    assert all(r.verified for r in store.sessions())


def timeline_ids(store: Store, library) -> set[str]:
    from coach.practice.history import timeline

    return {p.session_id for series in timeline(store, library).values() for p in series}


def test_a_session_whose_scenario_arrives_later_says_not_verified_until_rescored(isolated_home, capsys):
    """forged0002 was imported without its scenario. When the scenario arrives (in the user folder), the
    session's report says "not verified" and `coach rescore` picks it up; once re-scored, it is verified."""
    from coach import paths

    assert main(["import", str(HOSTILE / "forged-scores.jsonl")]) == 0
    (isolated_home / "scenarios").mkdir()
    builtin = paths.builtin_library() / "scenarios" / "upmarket-pricing.toml"
    text = builtin.read_text().replace('id = "upmarket-pricing"', 'id = "no-such-scenario"', 1)
    (isolated_home / "scenarios" / "no-such-scenario.toml").write_text(text)
    capsys.readouterr()
    assert main(["report", "forged0002"]) == 0
    assert "Scores as exported, not verified" in capsys.readouterr().out
    assert main(["rescore", "--apply"]) == 0
    assert "forged0002 no-such-scenario: overall 100 -> " in capsys.readouterr().out
    assert main(["report", "forged0002"]) == 0
    assert "not verified" not in capsys.readouterr().out
    assert main(["history"]) == 0
    assert "not verified" not in capsys.readouterr().out


def test_every_record_is_validated_and_a_bad_one_skipped_with_its_line(library, capsys):
    """bad-records.jsonl: [] null 1 "a string", a good record (line 5), a bad date, wrong types, a bad id, year 1."""
    store = Store()
    assert main(["import", str(HOSTILE / "bad-records.jsonl")]) == 1
    captured = capsys.readouterr()
    err = captured.err
    for number in (1, 2, 3, 4):
        assert f"bad-records.jsonl: line {number}: not a TPM Coach session export (skipped)" in err
    assert "line 6: state.started: 'not-a-date' is not an ISO date and time (skipped)" in err
    assert "line 7: score: " in err
    assert "line 8: state.id: " in err and "is not a valid id" in err
    assert "line 9: state.started: '0001-01-01T00:00:00+14:00' is not an ISO date and time (skipped)" in err
    assert "Traceback" not in err
    assert [r.id for r in store.sessions()] == ["goodline01"]
    assert "added 1 session(s), 0 already present" in captured.out


def test_review_and_cohort_skip_a_bad_line_and_read_the_rest(library, capsys):
    from coach.practice.mentor import cohort, read_export, sessions_in

    path = HOSTILE / "bad-records.jsonl"
    mentee = sessions_in(path, library)
    assert [state.id for state, _ in mentee.sessions] == ["goodline01"]
    assert [p.split(": ")[0] for p in mentee.problems] == [f"{path}:{n}" for n in (1, 2, 3, 4, 6, 7, 8, 9)]
    assert [state.id for state, _ in read_export(path, library)] == ["goodline01"]
    table = cohort([path], library)
    assert [name for name, _ in table.rows] == ["bad-records"] and len(table.problems) == 8
    assert main(["cohort", str(path)]) == 1  # the table, and the bad lines named on stderr
    captured = capsys.readouterr()
    assert "bad-records" in captured.out and f"{path}:6: state.started" in captured.err


def test_a_line_nested_thousands_deep_is_reported_not_a_traceback(library, capsys):
    """deep-nesting.jsonl: arrays 20,000 deep raised RecursionError out of `coach import` (line 1); 970 deep
    (line 3) parse, but are too deep to clean and validate."""
    assert main(["import", str(HOSTILE / "deep-nesting.jsonl")]) == 1
    captured = capsys.readouterr()
    assert "line 1: JSON nested too deep to read (skipped)" in captured.err and "Traceback" not in captured.err
    assert "line 3: JSON nested too deep to read (skipped)" in captured.err
    assert [r.id for r in Store().sessions()] == ["goodline01"]


def test_a_line_over_the_size_limit_is_reported_and_skipped_unread(library, tmp_path, monkeypatch):
    from coach.practice import exchange
    from coach.practice.history import import_file

    good = (HOSTILE / "bad-records.jsonl").read_text().splitlines()[4]
    path = tmp_path / "huge.jsonl"
    with path.open("w") as f:
        f.write('{"format": "tpm-coach-session", "pad": "' + "x" * (exchange.MAX_LINE + 10) + '"}\n')
        f.write(good + "\n")
    result = import_file(Store(), library, path)
    assert result.problems == ["line 1: longer than the limit of 4 MB for one session"]
    assert result.added == 1


def test_a_stored_session_with_a_bad_date_does_not_break_next_or_history(library, capsys):
    """A session stored with started = "not-a-date" (imported by an older coach): `coach next` and
    `coach history` still work, and the session is listed, not charted."""
    store = Store()
    persist(store, play(library, "upmarket-pricing"))
    bad = json.loads((HOSTILE / "bad-records.jsonl").read_text().splitlines()[5])["state"]
    store.save_session(
        json.dumps(bad), id=bad["id"], scenario=bad["scenario"], title="t", target="tpm", mode="study",
        started=bad["started"], status="finished", score=100.0,
    )  # fmt: skip
    assert main(["next"]) == 0
    assert capsys.readouterr().out.startswith("Practise next: ")
    assert main(["history"]) == 0
    assert "baddate001" in capsys.readouterr().out
    assert main(["report", "baddate001"]) == 2
    assert "cannot be read by this coach" in capsys.readouterr().err


def test_session_ids_are_checked_at_every_entry(library, capsys, tmp_path):
    """traversal-id.jsonl: the id /../../../tmp/x is refused on import and review, and on the command line."""
    from coach import paths
    from coach.practice.mentor import sessions_in

    path = HOSTILE / "traversal-id.jsonl"
    assert main(["import", str(path)]) == 1
    assert "line 1: state.id: " in capsys.readouterr().err and Store().sessions() == []
    assert sessions_in(path, library).sessions == []
    for argv in (["report", "/../../../tmp/x"], ["rescore", "../x"], ["practice", "--resume", "../x", "--plain"]):
        assert main(argv) == 2
        assert "is not a valid id" in capsys.readouterr().err
    assert main(["export", "--session", "a/b"]) == 2
    with pytest.raises(ValueError):
        paths.file_in(tmp_path, "upmarket-pricing-/../../../tmp/x-mentor")
    with pytest.raises(ValueError):
        paths.file_in(tmp_path, "..")
    assert paths.file_in(tmp_path, "upmarket-pricing-abc.1-mentor") == tmp_path / "upmarket-pricing-abc.1-mentor"


# --------------------------------------------------------------------------- streaming export, one-transaction import


def _many(store: Store, library, count: int) -> None:
    """``count`` copies of one finished session under different ids, written in one transaction."""
    state = json.loads(play(library, "upmarket-pricing").dump())
    with store.transaction():
        for i in range(count):
            state["id"] = f"many{i:05d}"
            store.save_session(
                json.dumps(state), id=state["id"], scenario=state["scenario"], title="t", target="tpm",
                mode="study", started=f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}+00:00", status="finished",
                score=50.0,
            )  # fmt: skip


def test_export_reads_and_writes_one_session_at_a_time(library, tmp_path, monkeypatch):
    """Each line is written before the next session is read (old: every line in a list first)."""
    import inspect

    from coach.practice import history

    store = Store()
    _many(store, library, 3)
    assert inspect.isgenerator(store.exported())  # the store hands rows over lazily
    events: list[str] = []
    real_exported = Store.exported

    def watched(self: Store, ids=()):
        for row in real_exported(self, ids):
            events.append("read")
            yield row

    monkeypatch.setattr(Store, "exported", watched)
    real_line = history.ExportRecord.line
    monkeypatch.setattr(history.ExportRecord, "line", lambda self: events.append("line") or real_line(self))

    class Sink:
        def write(self, text: str) -> None:
            events.append("wrote")

    from coach.cli import common

    monkeypatch.setattr(common, "atomic_output", lambda target: _nullcontext(Sink()))
    import coach.cli.history as cli_history

    monkeypatch.setattr(cli_history, "atomic_output", lambda target: _nullcontext(Sink()))
    assert main(["export", "-o", str(tmp_path / "out.jsonl")]) == 0
    assert events == ["read", "line", "wrote"] * 3


def _nullcontext(value):
    import contextlib

    return contextlib.nullcontext(value)


@pytest.mark.serial  # measures memory: alone, so another test's allocations are not counted
def test_export_memory_stays_flat_with_the_number_of_sessions(library, tmp_path):
    import tracemalloc

    from coach.practice.history import export_lines

    peaks = []
    for count in (20, 200):
        store = Store(tmp_path / f"h{count}.sqlite3")
        _many(store, library, count)
        tracemalloc.start()
        with (tmp_path / f"out{count}.jsonl").open("w") as out:
            for line in export_lines(store):
                out.write(line + "\n")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        store.close()
    assert peaks[1] < 2 * peaks[0], peaks  # ten times the sessions, not ten times the memory


def test_an_import_writes_every_session_in_one_transaction(library, tmp_path):
    from coach.practice.history import export_lines, import_file

    source = Store(tmp_path / "source.sqlite3")
    _many(source, library, 5)
    path = tmp_path / "five.jsonl"
    path.write_text("".join(line + "\n" for line in export_lines(source)))
    store = Store()
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    result = import_file(store, library, path)
    assert result.added == 5 and len(store.sessions()) == 5
    assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == ["BEGIN IMMEDIATE", "COMMIT"]


@pytest.mark.parametrize("rescorable", [False, True], ids=["whole", "without-reports"])
@pytest.mark.parametrize("hidden", ["\u202e", "\x9b", "\x7f", "\\u001b", "\\r", "\\b", "\\f", "\\u200f", "\u061c"])
def test_a_line_that_may_hide_a_control_character_is_cleaned_however_it_is_written(library, hidden, rescorable):
    """Import reads a line holding nothing but printable characters, tabs and line breaks without walking its
    strings; any other character, raw or as a JSON escape, still goes through the caller's clean. So too when
    the session is read without its reports (the import's way for one it can re-score)."""
    from coach.practice.importing import rescorable_in
    from coach.render.terminal import visible

    s = play(library, "upmarket-pricing")
    s.state.records[0].answers = ["before"]
    line = ExportRecord.of(s.state, "t", 1.0).line().replace('"before"', f'"be{hidden}fore"')
    read = rescorable_in(library) if rescorable else None
    cleaned = ExportRecord.from_line(line, visible, read).state.records[0].answers[0]
    assert cleaned.startswith("be") and cleaned.endswith("fore") and cleaned.isprintable() and len(cleaned) > 6
    assert ExportRecord.from_line(line.replace(hidden, "\\n"), visible, read).state.records[0].answers[0] == "be\nfore"


def test_a_session_that_can_be_rescored_is_imported_without_its_claimed_scores(library, capsys, tmp_path):
    """A weak session exported with its reports forged to 100 (and a mentor's review): its scenario and stages are
    in the library, so the import keeps its answers and review but no score of the file's; history and its
    report say "awaiting verification" where the score would be, until `coach rescore` recomputes it from the
    answers: then the score shown is the one this coach gives those answers."""
    from coach.practice.review import MentorReview, StageReview

    played = play(library, "upmarket-pricing", "weak")
    played.state.id = "weak0001"
    stage = played.state.records[0].stage
    played.state.review = MentorReview(mentor="Ann", reviewed="2026-05-02", stages={stage: StageReview(notes="x")})
    genuine = played.summary().score
    forged = played.state.model_copy(deep=True)
    for rec in forged.records:
        assert rec.report is not None
        rec.report.score = 100.0
    path = tmp_path / "forged.jsonl"
    path.write_text(ExportRecord.of(forged, "t", 100.0).line() + "\n")

    assert main(["import", str(path)]) == 0
    assert "session weak0001: added without the file's scores; awaiting verification" in capsys.readouterr().out
    store = Store()
    state = _stored(store, "weak0001")
    assert store.row("weak0001").score is None and not store.row("weak0001").verified
    assert all(rec.get("report") is None for rec in state["records"])
    assert [rec["answers"] for rec in state["records"]] == [rec.answers for rec in played.state.records]
    assert state["review"] == played.state.review.model_dump(mode="json")  # the mentor's review, as it was
    assert main(["history"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("weak0001")]
    assert "awaiting verification" in row and "100" not in row
    assert main(["report", "weak0001"]) == 0
    assert "Awaiting verification: imported without the file's scores" in capsys.readouterr().out

    assert main(["rescore"]) == 0
    assert "Verified 1 of 1 session(s)" in capsys.readouterr().out
    assert store.row("weak0001").verified and store.row("weak0001").score == genuine != 100
    assert main(["history"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("weak0001")]
    assert f"(auto {genuine:g})" in row and "awaiting verification" not in row  # beside the mentor's score
