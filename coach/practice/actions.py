"""What the app's screens do with stored sessions, below the UI (no Textual here):
re-scoring a session, exporting its report, resuming one. The history screen, the summary,
the mentor's export and the app call these (in workers where they touch files)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach import paths
from coach.library.loader import Library
from coach.practice.history import load_session, rescore
from coach.practice.resume import persist, resume
from coach.practice.session import Session
from coach.practice.store import SessionRow, Store
from coach.scoring.engine import Scorer

# ------------------------------------------------------------------ re-scoring


@dataclass(frozen=True)
class RescoreResult:
    """A stored session scored again with the current files: the overall score before and
    after (None while unfinished) and each stage that moved, as "stage before→after"."""

    before: float | None
    after: float | None
    moved: list[str]

    def describe(self) -> str:
        overall = (
            f"Overall {self.before:g} → {self.after:g}. " if self.before is not None and self.after is not None else ""
        )
        return overall + (
            "Changed: " + ", ".join(self.moved) if self.moved else "No stage changed with the current files."
        )


def rescore_session(store: Store, library: Library, session_id: str) -> RescoreResult:
    """Score a stored session again with the current files and save it.
    Raises KeyError or ValueError when the session or its scenario cannot be loaded."""
    session = load_session(store, library, session_id)
    before = session.summary().score if session.finished else None
    deltas = rescore(session)
    persist(store, session)
    after = session.summary().score if session.finished else None
    moved = [f"{d.stage} {d.before:g}→{d.after:g}" for d in deltas if abs(d.after - d.before) >= 0.05]
    return RescoreResult(before, after, moved)


# ------------------------------------------------------------------ exporting


def export_base(session: Session, tag: str = "") -> Path:
    """Where a session's report goes, without its suffix: exports/<scenario>-<id>[-tag].
    ValueError when the ids would not make a safe name inside the exports folder."""
    name = f"{session.scenario.id}-{session.state.id}" + (f"-{tag}" if tag else "")
    return paths.file_in(paths.home() / "exports", name)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader never sees half a file: a temporary file in
    the same folder, then one rename over the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    # os.open with 0o666 lets the umask decide the mode, as for any other file the user saves
    # (tempfile.mkstemp would make it readable by its owner only).
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def export_session(session: Session, render: Callable[[str], str], tag: str = "") -> list[Path]:
    """Write the session's report as Markdown and HTML into the exports folder; return the
    two paths (.md first). ``render(fmt)`` makes the report ("md" or "html"): rendering is a
    layer above this one, so the caller passes it in. Both are rendered before either is
    written, so a failure leaves no half-exported pair."""
    base = export_base(session, tag)
    pages = {base.with_name(base.name + ".md"): render("md"), base.with_name(base.name + ".html"): render("html")}
    for path, page in pages.items():
        write_atomically(path, page)
    return list(pages)


# ------------------------------------------------------------------ resuming


def resumable(store: Store, library: Library) -> SessionRow | None:
    """The most recent unfinished session whose scenario is still in the library, if any."""
    return next((row for row in store.unfinished() if row.scenario in library.scenarios), None)


def resume_session(
    store: Store,
    library: Library,
    session_id: str,
    scorer: Scorer | None = None,
    clock: Callable[[], float] = time.time,
) -> Session:
    """A stored session restored with its draft, running on ``clock``.
    Raises KeyError or ValueError when it cannot be restored."""
    session = resume(store, library, session_id, scorer)
    session.clock = clock
    return session
