"""Use cases below the UI (coach/practice/actions.py): re-score, export, resume."""

from __future__ import annotations

import copy
import os

import pytest

from coach.practice.actions import export_session, rescore_session, resumable, resume_session
from coach.practice.resume import persist
from coach.practice.session import Session
from coach.practice.store import Store
from tests.practice.test_history import play


def test_export_writes_markdown_and_html_into_the_exports_folder(library, isolated_home):
    session = play(library, "upmarket-pricing", "strong")
    md, page = export_session(session, lambda fmt: f"report as {fmt}")
    assert md == isolated_home / "exports" / f"upmarket-pricing-{session.state.id}.md"
    assert page == md.with_suffix(".html")
    assert md.read_text() == "report as md" and page.read_text() == "report as html"
    umask = os.umask(0o022)  # written as any file the user saves: the umask decides who may read it
    os.umask(umask)
    assert md.stat().st_mode & 0o777 == 0o666 & ~umask
    md2, _ = export_session(session, lambda fmt: f"again as {fmt}", tag="mentor")
    assert md2.name == f"upmarket-pricing-{session.state.id}-mentor.md"
    export_session(session, lambda fmt: f"newer {fmt}")  # an export again replaces the files
    assert md.read_text() == "newer md"
    assert sorted(p.name for p in md.parent.iterdir()) == sorted(
        [md.name, page.name, md2.name, md2.with_suffix(".html").name]
    )


def test_a_failed_export_leaves_no_half_written_file(library, isolated_home):
    session = play(library, "upmarket-pricing", "strong")
    md, _ = export_session(session, lambda fmt: f"good {fmt}")

    def broken(fmt: str) -> str:
        if fmt == "html":
            raise RuntimeError("the page did not render")
        return "half"

    with pytest.raises(RuntimeError):
        export_session(session, broken)
    assert md.read_text() == "good md"  # the earlier export stands, whole
    assert len(list(md.parent.iterdir())) == 2  # and no temporary file is left


def test_rescore_session_saves_and_describes_the_change(library, isolated_home):
    store = Store()
    session = play(library, "upmarket-pricing", "middling")
    persist(store, session)
    result = rescore_session(store, library, session.state.id)
    score = session.summary().score
    assert (result.before, result.after, result.moved) == (score, score, [])
    assert result.describe() == f"Overall {score:g} → {score:g}. No stage changed with the current files."
    with pytest.raises(KeyError):
        rescore_session(store, library, "no-such-session")


def test_resumable_skips_sessions_whose_scenario_is_gone_and_resume_keeps_the_draft(library, isolated_home):
    store = Store()
    kept = Session.new(library, "upmarket-pricing")
    kept.start()
    persist(store, kept)
    store.save_draft(kept.state.id, kept.state.current or "", "half an answer")
    gone = Session.new(library, "data-product")
    gone.start()
    persist(store, gone)
    one = copy.copy(library)
    one.scenarios = {k: v for k, v in library.scenarios.items() if k != "data-product"}
    row = resumable(store, one)
    assert row is not None and row.id == kept.state.id
    back = resume_session(store, library, kept.state.id, clock=lambda: 42.0)
    assert back.state.draft == "half an answer" and back.clock() == 42.0


def test_an_export_is_never_named_outside_the_exports_folder(library, isolated_home):
    """Ids are checked where a state is made; should one get past (a state built without validation), the
    file name is checked again and nothing is written."""
    session = play(library, "upmarket-pricing", "strong")
    session.state = session.state.model_construct(**dict(session.state) | {"id": "/../../../tmp/x"})
    with pytest.raises(ValueError, match="not a safe file name"):
        export_session(session, lambda fmt: fmt)
    assert not list(isolated_home.parent.rglob("x-*.md")) and not (isolated_home / "exports").exists()
