"""How tests/data/history-v1.sqlite3 and tests/data/hostile/damaged-history.sqlite3 were made.

Run with the coach of schema 1 (commit 3fd1846, before results were stored) on the path:

    git worktree add /tmp/coach-v1 3fd1846
    PYTHONPATH=/tmp/coach-v1 COACH_HOME=$(mktemp -d) python tests/data/make_history_fixtures.py tests/data

history-v1.sqlite3: five sessions as that coach saved them (three finished, one unfinished with
a draft, one mock interview run for a learner). damaged-history.sqlite3: a copy with 8 KiB of
garbage written over its middle; its header is intact, so it still opens as a database.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
from pathlib import Path

from coach.library.loader import load_library
from coach.practice.resume import persist
from coach.practice.session import Session
from coach.practice.store import Store


def played(library, scenario_id: str, label: str, number: int, finish: bool = True) -> Session:  # type: ignore[no-untyped-def]
    session = Session.new(library, scenario_id, clock=lambda: 1_700_000_000.0)
    session.state.id = f"fixture{number:02d}"
    session.state.started = f"2025-0{number}-1{number}T09:00:00+00:00"
    session.start()
    while not session.finished and (finish or len(session.state.records) < 2):
        pick = next((c.answer for c in session.stage.calibration if c.label == label), None)
        session.submit(pick) if pick else session.skip()
    return session


def main(out: Path) -> None:
    library = load_library(include_user=False)
    target = out / "history-v1.sqlite3"
    target.unlink(missing_ok=True)
    store = Store(target)
    for number, (scenario, label) in enumerate(
        [("upmarket-pricing", "strong"), ("tech-debt-case", "weak"), ("goal-to-spec", "middling")], start=1
    ):
        persist(store, played(library, scenario, label, number))
    unfinished = played(library, "risky-rollout", "strong", 4, finish=False)
    persist(store, unfinished)
    store.save_draft(unfinished.state.id, unfinished.state.current or "", "half an answer about the rollout")
    mock = played(library, "launch-readiness", "strong", 5)
    mock.state.learner = "Sam"
    persist(store, mock)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    assert sqlite3.connect(target).execute("PRAGMA quick_check").fetchone() == ("ok",)

    damaged = out / "hostile" / "damaged-history.sqlite3"
    shutil.copyfile(target, damaged)
    data = bytearray(damaged.read_bytes())
    middle = len(data) // 2 // 4096 * 4096  # page-aligned, so whole pages are garbage
    data[middle : middle + 8192] = random.Random(13).randbytes(8192)
    damaged.write_bytes(bytes(data))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
