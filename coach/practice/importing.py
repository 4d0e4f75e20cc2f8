"""`coach import`: sessions (and stories) from JSON Lines exports into the store.

Kept apart from coach.practice.history, and free of the scoring engine, so that an import starts
fast: it stores new sessions marked unverified without scoring them (history.verify_pending does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.library.loader import Library
from coach.practice.exchange import ExportRecord, records_in
from coach.practice.state import SessionState, UnscoredState
from coach.practice.store import Store

if TYPE_CHECKING:
    from coach.practice.stories import StoryImport


@dataclass
class ImportResult:
    added: int = 0
    unchanged: int = 0
    reviewed: int = 0  # sessions already present that gained a (newer) mentor review
    problems: list[str] = field(default_factory=list)
    for_others: int = 0
    """New sessions kept as run for someone else (they carry a learner's name)."""
    claimed: int = 0
    """Sessions imported before as someone else's, now the user's own (``mine``)."""
    stories: StoryImport | None = None
    """What happened to the story-bank records of the file."""
    unverified: int = 0
    """New sessions whose scores are kept as exported (their scenario is not in the library)."""
    awaiting: list[str] = field(default_factory=list)
    """New sessions whose scores are as exported until verified (see verify_pending)."""
    records: list[str] = field(default_factory=list)
    """What happened to each record, as "line N, session ID: what"."""


def import_file(
    store: Store, library: Library, path: Path, mine: bool = False, clean: Callable[[str], str] | None = None
) -> ImportResult:
    """Add the sessions in a JSON Lines export, and say what happened to each record.

    A new session's scores are never trusted: it is stored marked unverified (left out of progress,
    the plan and what comes next) until verify_pending() recomputes them from its answers with the
    current scenario and rubric files. One whose scenario and stages are all in the library is read
    and stored without the file's scores (shown "awaiting verification"); any other keeps them,
    shown "as exported, not verified". A session already present keeps its answers and scores (importing
    the same file twice adds nothing); only a newer mentor review of it is taken. A new session
    that names a learner (a mentee's export, a mock interview a mentor ran) stays someone else's
    and does not feed the user's progress, unless ``mine`` says the user is that learner: then it
    becomes the user's own.

    Every record is checked and written as the file is read, all in one transaction: one commit
    (one disk sync) however many sessions, and nothing stored if the import fails part way.
    ``clean`` rewrites every string of a record before anything else (see ExportRecord.from_line)."""
    result = ImportResult()
    seen: set[str] = set()
    stories: list[tuple[int, dict[str, Any]]] = []
    with store.transaction():
        present = store.session_ids()  # before the file: a session it adds is not met again (see seen)
        for number, item in records_in(path, clean, rescorable_in(library)):
            if isinstance(item, str):
                result.problems.append(f"line {number}: {item}")
            elif isinstance(item, dict):  # a story of the story bank
                stories.append((number, item))
            elif item.state.id in seen:
                result.problems.append(f"line {number}: session {item.state.id} appears earlier in the file")
            else:
                seen.add(item.state.id)
                _take(store, library, number, item, mine, result, present)
    if stories:  # the story bank's code needs the matcher: imported only for a file that has stories
        from coach.practice.stories import StoryBank, import_records

        result.stories = import_records(StoryBank(store), stories)
    return result


def rescorable_in(library: Library) -> Callable[[str, list[str]], bool]:
    """Whether a session of a scenario, with records of these stages, can be re-scored with
    ``library`` (verify_pending would verify it): then the file's scores need not be read."""

    def rescorable(scenario: str, stages: list[str]) -> bool:
        entry = library.scenarios.get(scenario)
        return entry is not None and all(entry.item.stage(stage) is not None for stage in stages)

    return rescorable


def _take(
    store: Store,
    library: Library,
    number: int,
    record: ExportRecord,
    mine: bool,
    result: ImportResult,
    present: set[str],
) -> None:
    """Write what one record brings (inside the import's transaction), and say so. A session
    present only ever changes its review or whose it is, never its answers or scores."""
    state = record.state
    where = f"line {number}, session {state.id}"
    if state.id not in present:  # a new session
        result.records.append(f"{where}: {_add(store, library, record, mine, result)}")
        return
    raw = store.load_state(state.id)
    try:
        stored = SessionState.model_validate_json(raw)
    except ValueError:  # a stored state this coach cannot read: left as it is
        stored = None
    said = _changes(stored, state, mine, result) if stored is not None else ""
    if stored is not None and stored.unverified and stored.scenario in library.scenarios:
        result.awaiting.append(stored.id)  # imported before and not verified yet: --verify verifies it too
    if stored is None or not said:
        result.unchanged += 1
        result.records.append(f"{where}: already present, kept as it is")
        return
    store.update_state(stored.id, stored.model_dump_json())  # its review or whose it is: nothing else
    result.records.append(f"{where}: {said}")


def _changes(stored: SessionState, state: SessionState, mine: bool, result: ImportResult) -> str:
    """Take into ``stored`` what the file's ``state`` of it brings (a newer review, or with ``mine``
    that it is the user's own); what changed, for the user ("": nothing)."""
    incoming = state.review
    if incoming and incoming.reviewed and (stored.review is None or (stored.review.reviewed or "") < incoming.reviewed):
        said = f"already present; took the newer review by {incoming.mentor or 'a mentor'} ({incoming.reviewed})"
        if [r.answers for r in state.records] != [r.answers for r in stored.records]:
            said += "; the file's answers differ from yours and were not taken"
        stored.review = incoming
        result.reviewed += 1
    elif mine and stored.learner:
        said = "already present; now counted as yours"
        result.claimed += 1
    else:
        return ""
    if mine:
        stored.learner = ""
    return said


def _add(store: Store, library: Library, record: ExportRecord, mine: bool, result: ImportResult) -> str:
    """Store a new session marked unverified (with its scores as exported, if it was read with
    them); what happened, for the user."""
    state = record.state
    state.learner = "" if mine else state.learner
    state.unverified = True  # never taken from the file: only verify_pending() clears it
    entry = library.scenarios.get(state.scenario)
    store.add_session(
        state.model_dump_json(),
        id=state.id, scenario=state.scenario, title=entry.item.title if entry else record.title or state.scenario,
        target=state.target.value, mode=state.mode.value, started=state.started, status=state.status,
        score=record.score, learner=state.learner,
    )  # fmt: skip
    result.added += 1
    result.for_others += bool(state.learner)
    if entry is None:
        result.unverified += 1
        return f"added; scores as exported, not verified (scenario {state.scenario} is not in your library)"
    result.awaiting.append(state.id)
    if isinstance(state, UnscoredState):  # read without the file's scores
        return "added without the file's scores; awaiting verification"
    return "added; scores as exported, awaiting verification"
