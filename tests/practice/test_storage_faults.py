"""Storage faults: a full disk, a damaged database, a read-only data folder (issue 13).

Nothing crashes, no answer is lost, the history file is never touched when it is damaged,
and every message says what happened and what to do."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.cli import main
from coach.practice.resume import persist, recover
from coach.practice.store import Store, StoreError
from tests.practice.test_history import play

DATA = Path(__file__).resolve().parent.parent / "data"
DAMAGED = DATA / "hostile" / "damaged-history.sqlite3"
ROOT = Path(__file__).resolve().parents[2]

FULL_DISK = [
    sqlite3.OperationalError("database or disk is full"),
    OSError(errno.ENOSPC, "No space left on device"),
]


@contextlib.contextmanager
def full_disk(failure: Exception) -> Iterator[None]:
    """Every write to the history fails as on a full disk (reading still works), until the block ends."""

    def fail(*args: object, **kwargs: object) -> None:
        raise failure

    with pytest.MonkeyPatch.context() as patch:  # its own: undoing it leaves COACH_HOME as the test set it
        patch.setattr(Store, "save_session", fail)
        patch.setattr(Store, "save_draft", fail)
        yield


def strong_answers(library, scenario_id: str = "upmarket-pricing") -> str:  # type: ignore[no-untyped-def]
    """The scenario's strong calibration answers as a plain-mode answers file: one for each question
    the session asks, follow-ups included (the stage's strong answer again), played through a session."""
    from coach.practice.session import Session

    session = Session.new(library, scenario_id)
    session.start()
    typed = []
    while not session.finished:
        answer = next(c.answer for c in session.stage.calibration if c.label == "strong").strip().replace("\n\n", "\n")
        typed.append(answer)
        session.submit(answer)
    return "\n\n".join(typed) + "\n"


def kept_file(home: Path) -> Path:
    (kept,) = (home / "unsaved").glob("*.json")
    return kept


# --------------------------------------------------------------------------- a full disk


@pytest.mark.parametrize("failure", FULL_DISK, ids=["sqlite-full", "enospc"])
def test_plain_practice_on_a_full_disk_answers_every_stage_and_keeps_every_answer(
    library, isolated_home, tmp_path, capsys, failure
):
    answers = tmp_path / "answers.txt"
    answers.write_text(strong_answers(library), encoding="utf-8")
    with full_disk(failure):
        assert main(["practice", "upmarket-pricing", "--plain", "--answers", str(answers)]) == 0
    out = capsys.readouterr()
    assert "Summary: Moving upmarket" in out.out  # every stage was answered, to the end
    assert "Traceback" not in out.err
    reason = "database or disk is full" if isinstance(failure, sqlite3.Error) else "no space left on device"
    assert f"Your history could not be saved ({reason})" in out.err
    assert out.err.count("could not be saved") == 1  # said once, not at every save
    kept = kept_file(isolated_home)
    assert f"kept in memory and in {kept}" in " ".join(out.err.split())
    assert "Free some disk space" in out.err

    # the kept file holds the whole finished session: every answer
    record = json.loads(kept.read_text(encoding="utf-8"))
    assert record["state"]["status"] == "finished"
    typed = [a for rec in record["state"]["records"] for a in rec["answers"]]
    assert typed == strong_answers(library).strip().split("\n\n")

    # the disk has room again: the next practice takes the session back into the history
    assert main(["practice", "--resume", record["state"]["id"], "--plain"]) == 0
    err = capsys.readouterr().err
    assert f"Session {record['state']['id']}" in err and "is back in your history" in err
    assert not kept.exists()
    stored = Store().sessions()
    assert [(r.id, r.status) for r in stored] == [(record["state"]["id"], "finished")]


def test_a_failed_save_that_cannot_write_in_the_data_folder_keeps_the_session_in_the_temp_folder(
    library, isolated_home, tmp_path, monkeypatch
):
    from coach.practice.resume import save, snapshot

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    (isolated_home / "unsaved").write_text("a file where the folder should be")  # the data folder refuses too
    session = play(library, "upmarket-pricing")
    with full_disk(FULL_DISK[0]):
        unsaved = save(Store(), snapshot(session))
    assert unsaved is not None and unsaved.kept_in is not None
    assert unsaved.kept_in.parent.parent == tmp_path
    assert unsaved.kept_in.parent.stat().st_mode & 0o077 == 0  # answers are private in a shared folder
    assert json.loads(unsaved.kept_in.read_text())["state"]["id"] == session.state.id
    assert "in memory and in " + str(unsaved.kept_in) in unsaved.message()


def test_a_kept_session_is_removed_once_a_later_save_works(library, isolated_home):
    from coach.practice.resume import save, snapshot

    session = play(library, "upmarket-pricing")
    with full_disk(FULL_DISK[1]):
        assert save(Store(), snapshot(session)) is not None
    kept = kept_file(isolated_home)
    assert save(Store(), snapshot(session)) is None
    assert not kept.exists()
    assert recover(Store()) == []  # nothing left to take back


def test_a_kept_file_that_cannot_be_read_is_left_where_it_is(library, isolated_home):
    kept = isolated_home / "unsaved" / "damaged.json"
    kept.parent.mkdir()
    for text in ('{"format": "tpm-coach-unsaved", "state": {"id": 1}}', "[]", "not json"):
        kept.write_text(text)
        (said,) = recover(Store())
        assert said.startswith(f"{kept}: kept from a failed save but cannot be read (") and kept.exists()
    assert Store().sessions() == []


# --------------------------------------------------------------------------- -o on a full disk


class FullDiskOs:
    """The os module as coach.cli.common sees it, on a disk that fills up halfway through a file."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    @staticmethod
    def fdopen(fd: int, *args: object, **kwargs: object) -> object:
        real = os.fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

        class Filling:
            def __enter__(self) -> Filling:
                return self

            def __exit__(self, *exc: object) -> None:
                real.close()

            def write(self, text: str) -> int:
                real.write(text[: len(text) // 2])
                raise OSError(errno.ENOSPC, "No space left on device")

            def writelines(self, lines: object) -> None:
                for line in lines:  # type: ignore[attr-defined]
                    self.write(line)

        return Filling()


@pytest.mark.parametrize(
    "args",
    [["export"], ["report", "--progress"], ["report", "--progress", "--format", "html"], ["report", "SESSION"]],
    ids=["export", "progress-md", "progress-html", "session-report"],
)
def test_a_full_disk_never_leaves_a_half_written_or_empty_output_file(
    library, isolated_home, tmp_path, capsys, monkeypatch, args
):
    import coach.cli.common

    session = play(library, "upmarket-pricing")
    persist(Store(), session)
    out = tmp_path / "out.txt"
    out.write_text("the previous export\n")
    monkeypatch.setattr(coach.cli.common, "os", FullDiskOs())
    argv = [session.state.id if a == "SESSION" else a for a in args]
    assert main([*argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot write: No space left on device" in err and "Traceback" not in err
    assert out.read_text() == "the previous export\n"  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]  # and no partial file is left beside it


# --------------------------------------------------------------------------- a damaged database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "argv",
    [[], ["history"], ["next"], ["report", "--progress"], ["export"], ["practice", "upmarket-pricing", "--plain"]],
    ids=["app", "history", "next", "progress", "export", "practice"],
)
def test_a_database_damaged_in_the_middle_is_refused_at_open_and_left_untouched(isolated_home, capsys, argv):
    db = isolated_home / "history.sqlite3"
    shutil.copyfile(DAMAGED, db)
    before = _digest(db)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"coach: {db} is damaged (" in err and "It was left untouched" in err
    assert f"mv {db} {db}.damaged" in err  # what to do
    assert "There is no backup of it yet" in err and "coach import FILE" in err
    assert _digest(db) == before
    beside = {p.name for p in isolated_home.iterdir()} - {"cache"}  # (the library's cache, not the history's)
    assert beside == {"history.sqlite3"}  # nothing written beside it: no -wal, -shm or new file


def test_a_damaged_database_names_the_latest_backup(library, isolated_home):
    store = Store()
    persist(store, play(library, "upmarket-pricing"))  # a finished session: the week's backup is made
    persist(store, play(library, "tech-debt-case"))  # (only once a week)
    store.close()
    (backup,) = (isolated_home / "backups").glob("history-*.sqlite3")
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM sessions").fetchone() == (1,)

    shutil.copyfile(DAMAGED, isolated_home / "history.sqlite3")
    with pytest.raises(StoreError, match="is damaged") as raised:
        Store()
    assert f"Your latest backup, from {backup.name[8:18]}, is {backup}" in str(raised.value)


# --------------------------------------------------------------------------- a read-only data folder


def _can_mount_read_only() -> str:
    """Why a read-only folder cannot be made here ('' when it can): a bind mount made read-only
    inside a new user and mount namespace (`unshare -rm`), which binds even root."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        return "needs Linux with unshare(1)"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount --bind /tmp /tmp && mount -o remount,ro,bind /tmp /tmp"],
        capture_output=True,
        text=True,
    )
    return "" if probe.returncode == 0 else f"no user namespaces here ({probe.stderr.strip()})"


CANNOT_MOUNT = _can_mount_read_only()
needs_read_only_mount = pytest.mark.skipif(bool(CANNOT_MOUNT), reason=CANNOT_MOUNT)


def run_read_only(folder: Path, home: Path, *argv: str, script: str = "") -> subprocess.CompletedProcess[str]:
    """`coach ARGV` (or python -c SCRIPT) with `folder` mounted read-only and COACH_HOME=home."""
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "coach", *argv]
    inner = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
    env = dict(os.environ, COACH_HOME=str(home), PYTHONPATH=str(ROOT))
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", inner, "sh", str(folder), *command],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def read_only_history(library, tmp_path):  # type: ignore[no-untyped-def]
    """A data folder with two finished sessions (closed, as after the coach exits)."""
    home = tmp_path / "ro" / "home"
    home.mkdir(parents=True)
    store = Store(home / "history.sqlite3")
    for scenario in ("upmarket-pricing", "tech-debt-case"):
        persist(store, play(library, scenario))
    store.close()
    return home


@needs_read_only_mount
@pytest.mark.serial
@pytest.mark.parametrize(
    "argv, shows",
    [
        (["history"], "upmarket-pricing"),
        (["next"], "Practise next: "),
        (["report", "--progress"], "2 session(s) · "),
        (["export"], '"tpm-coach-session"'),
    ],
    ids=["history", "next", "progress", "export"],
)
def test_reading_commands_work_on_a_read_only_data_folder(read_only_history, argv, shows):
    run = run_read_only(read_only_history.parent, read_only_history, *argv)
    assert run.returncode == 0, run.stderr
    assert shows in run.stdout and "Traceback" not in run.stderr


@needs_read_only_mount
@pytest.mark.serial
def test_writing_commands_on_a_read_only_data_folder_say_why_they_cannot(read_only_history):
    run = run_read_only(read_only_history.parent, read_only_history, "practice", "upmarket-pricing", "--plain")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"coach: your data folder {read_only_history} is read-only, so nothing can be saved" in run.stderr
    assert "set COACH_HOME to a folder you can write to" in run.stderr
    run = run_read_only(read_only_history.parent, read_only_history, "rescore", "--all", "--apply")
    assert run.returncode == 2 and "is read-only" in run.stderr and "Traceback" not in run.stderr


@needs_read_only_mount
@pytest.mark.serial
def test_a_missing_data_folder_on_a_read_only_file_system_is_explained(tmp_path):
    missing = tmp_path / "ro" / "coach-home"
    missing.parent.mkdir()
    run = run_read_only(missing.parent, missing, "history")
    assert run.returncode == 0 and "No sessions yet" in run.stdout, run.stderr
    run = run_read_only(missing.parent, missing, "practice", "upmarket-pricing", "--plain")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"cannot create your data folder {missing} (Read-only file system)" in run.stderr


@needs_read_only_mount
@pytest.mark.serial
def test_an_older_database_in_a_read_only_folder_is_read_through_a_copy_upgraded_in_memory(tmp_path):
    home = tmp_path / "ro" / "home"
    home.mkdir(parents=True)
    shutil.copyfile(DATA / "history-v1.sqlite3", home / "history.sqlite3")
    before = _digest(home / "history.sqlite3")
    run = run_read_only(home.parent, home, "next")
    assert run.returncode == 0, run.stderr
    assert "last scored" in run.stdout  # the finished sessions' results, worked out for this run
    assert _digest(home / "history.sqlite3") == before


# A headless run of the app on a read-only history: the catalogue says so, the history screen lists the
# sessions and its trends, and starting an interview is refused with the reason (nothing could be saved).
APP_ON_READ_ONLY = """
import asyncio
from coach.cli.common import Sources, open_store
from coach.tui.app import make_app
from tests.tui.helpers import screen_text, settle
from tests.tui.test_notifications import toasts

async def main():
    app = make_app(Sources().load(), open_store(writable=False))
    async with app.run_test(size=(110, 40), notifications=True) as pilot:
        await settle(pilot)
        print("NOTES", toasts(app))
        await pilot.press("ctrl+r")
        await settle(pilot)
        print("HISTORY", screen_text(app).replace("\\n", " | "))
        await pilot.press("escape", "/", *"upmarket", "enter", "enter", "ctrl+s")
        await settle(pilot)
        print("AFTER", type(app.screen).__name__, toasts(app))

asyncio.run(main())
"""


@needs_read_only_mount
@pytest.mark.serial
def test_the_app_on_a_read_only_history_shows_the_history_and_refuses_to_start_practice(read_only_history):
    run = run_read_only(read_only_history.parent, read_only_history, script=APP_ON_READ_ONLY)
    assert run.returncode == 0, run.stderr
    notes, history, after = run.stdout.strip().splitlines()[-3:]
    assert "is read-only, so nothing can be saved" in notes
    assert "Moving upmarket" in history and "making the case for paying down tech debt" in history
    assert "Progress by competency" in history and "No finished sessions yet" not in history
    assert after.startswith("AFTER BriefingScreen") and "Practice cannot start: your data folder" in after
