"""The `coach` command.

Imports inside each handler are deliberate: `coach --help` and the batch commands
must start fast and never import Textual; only the commands that open the UI do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    from coach.library.loader import Library

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _library(args: argparse.Namespace, files: Sequence[Path] = ()) -> "Library":
    from coach.library.loader import load_library

    return load_library(args.scenarios or (), args.rubrics or (), files)


def _report_problems(lib: "Library", limit: int = 20) -> None:
    if not lib.problems:
        return
    files = {p.path for p in lib.problems}
    print(f"\n{len(lib.problems)} problem(s) in {len(files)} file(s); these did not load:", file=sys.stderr)
    for p in lib.problems[:limit]:
        print(f"  {p}", file=sys.stderr)
    if len(lib.problems) > limit:
        print(f"  ... and {len(lib.problems) - limit} more (run `coach validate`)", file=sys.stderr)


# --------------------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace) -> int:
    import shutil

    lib = _library(args)
    rows = []
    for entry in sorted(lib.scenarios.values(), key=lambda e: e.item.id):
        sc = entry.item
        comps = sorted({lib.rubrics[r].item.competency.value for r in sc.rubrics if r in lib.rubrics})
        rows.append([sc.id, sc.title, ", ".join(comps), sc.difficulty, sc.level.value, f"{sc.minutes}m", entry.origin])
    if args.json:
        import json

        keys = ["id", "title", "competencies", "difficulty", "level", "minutes", "origin"]
        print(json.dumps([dict(zip(keys, r)) for r in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("No scenarios loaded.")
    else:
        # fit a terminal; piped into a file or another program, print every title in full
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else None
        _print_table(["ID", "TITLE", "COMPETENCIES", "DIFFICULTY", "LEVEL", "TIME", "FROM"], rows, width)
    for ident, old, new in lib.overrides:
        print(f"note: {new} overrides {ident!r} from {old}", file=sys.stderr)
    _report_problems(lib)
    return EXIT_PROBLEMS if lib.problems else EXIT_OK


def _print_table(header: list[str], rows: list[list[str]], width: int | None) -> None:
    """Columns of text; with a width, the second and third columns shrink (with …) to fit it."""
    cols = list(zip(header, *rows))
    widths = [max(len(str(c)) for c in col) for col in cols]
    # shrink the widest text columns (title, competencies) until the table fits
    while width is not None and sum(widths) + 2 * len(widths) > width and max(widths[1], widths[2]) > 12:
        i = 1 if widths[1] >= widths[2] else 2
        widths[i] -= 1

    def cell(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "…"

    for row in [header, *rows]:
        print("  ".join(cell(str(c), w).ljust(w) for c, w in zip(row, widths)).rstrip())


def cmd_show(args: argparse.Namespace) -> int:
    from coach.render.scenario import scenario_text

    lib = _library(args)
    try:
        sc = lib.scenario(args.id)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    print(scenario_text(sc, lib))
    return EXIT_OK


def _expand(paths: Sequence[str], not_files: list[str] | None = None) -> list[Path]:
    """The .toml files named or found in folders, each once (by its real path), in order.

    A path that exists but is neither a folder to search nor a file (a folder named x.toml)
    goes to `not_files` when given, else is a usage error."""
    out: dict[Path, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and p.suffix != ".toml":
            found = sorted(q for q in p.rglob("*.toml") if q.is_file())
        elif p.is_file():
            found = [p]
        elif p.exists():
            if not_files is None:
                raise UserError(f"{raw}: not a file")
            not_files.append(raw)
            continue
        else:
            raise UserError(f"{raw}: no such file or folder")
        for q in found:
            out.setdefault(q.resolve(), q)
    return list(out.values())


def cmd_validate(args: argparse.Namespace) -> int:
    not_files: list[str] = []
    files = _expand(args.paths, not_files)
    lib = _library(args, files)
    found = lib.problems_in(files) if args.paths else lib.problems
    # a file both in the library and named here is read twice: print each problem once
    problems = list({(p.path.resolve(), p.line, p.key, p.message): p for p in found}.values())
    for raw in not_files:
        print(f"{raw}: not a file")
    for p in problems:
        print(p)
    if problems or not_files:
        bad = len({p.path.resolve() for p in problems}) + len(not_files)
        print(f"\n{len(problems) + len(not_files)} problem(s) in {bad} file(s).", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.paths:
        what = f"{len(files)} file(s)"
    else:
        what = f"{len(lib.scenarios)} scenario(s), {len(lib.rubrics)} rubric(s) and the ladder"
    checked = len(files) if args.paths else len(lib.scenarios) + len(lib.rubrics) + (1 if lib.ladder else 0)
    print(f"ok: {what} valid" if checked else "nothing to check")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from coach.scoring.report import schema_for

    print(json.dumps(schema_for(args.kind), indent=2))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from coach import paths
    from coach.library.templates import new_scenario

    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.id):
        raise UserError(f"{args.id!r} is not a valid id: use lower-case letters, digits and hyphens")
    target = Path(args.output) if args.output else paths.user_library() / "scenarios" / f"{args.id}.toml"
    if target.exists() and not args.force:
        raise UserError(f"{target} already exists (use --force to overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(new_scenario(args.id), encoding="utf-8")
    print(f"wrote {target}")
    print(f"next: edit it, then run `coach validate {target}` and `coach show {args.id}`")
    return EXIT_OK


def _read_answer(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        raw = Path(source).read_bytes()
    except OSError as exc:
        raise UserError(f"{source}: cannot read the answer: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{source}: the answer is not UTF-8 text") from None


def _scenario_stage(lib: "Library", scenario_id: str, stage_id: str | None):  # type: ignore[no-untyped-def]
    try:
        sc = lib.scenario(scenario_id)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    if stage_id is None:
        return sc, sc.stages[0]
    stage = sc.stage(stage_id)
    if stage is None:
        import difflib

        ids = [st.id for st in sc.stages]
        close = difflib.get_close_matches(stage_id, ids, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; stages are {', '.join(ids)}"
        raise UserError(f"unknown stage {stage_id!r} in {sc.id}{hint}")
    return sc, stage


def _target_level(raw: str | None):  # type: ignore[no-untyped-def]
    from coach.library.formats import Level

    if raw is None:
        return None
    try:
        return Level(raw)
    except ValueError:
        raise UserError(f"unknown level {raw!r}; levels are {', '.join(l.value for l in Level)}") from None


def cmd_score(args: argparse.Namespace) -> int:
    from coach.scoring.engine import Scorer

    lib = _library(args)
    answer = _read_answer(args.answer)
    scorer = Scorer(lib)
    if args.rubric:
        try:
            report = scorer.score_rubric(lib.rubric(args.rubric), answer, target_level=_target_level(args.level))
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    else:
        if not args.scenario:
            raise UserError("say what to score against: --scenario ID [--stage S] or --rubric ID")
        sc, stage = _scenario_stage(lib, args.scenario, args.stage)
        report = scorer.score_stage(sc, stage, answer, _target_level(args.level))
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    elif args.format == "markdown":
        from coach.render.text import to_markdown

        print(to_markdown(report, model_answer=args.model_answer), end="")
    else:
        from coach.render.text import to_text

        print(to_text(report, model_answer=args.model_answer))
    return EXIT_OK


def cmd_grade(args: argparse.Namespace) -> int:
    from coach.scoring.grading import detect_format, grade, open_text, read_rows
    from coach.scoring.engine import Scorer

    lib = _library(args)
    in_fmt = detect_format(args.input, args.input_format)
    out_fmt = detect_format(args.output, args.output_format) if args.output or args.output_format else in_fmt
    try:
        source = open_text(args.input)
        sink = open_text(args.output, "w")
    except OSError as exc:
        raise UserError(f"{exc.filename}: {exc.strerror}") from None
    total = None
    if args.input not in (None, "-"):
        with open(args.input, "rb") as f:
            total = max(sum(1 for _ in f) - (1 if in_fmt == "csv" else 0), 1)
    progress = _Progress(total) if sys.stderr.isatty() and total and total > 50 else None
    with source, sink if sink is not sys.stdout else _nullcontext():
        graded, skipped = grade(read_rows(source, in_fmt), Scorer(lib), sink, out_fmt, args.rubric, args.scenario,
                                progress=progress)
    if progress:
        progress.done()
    print(f"graded {graded} answer(s), skipped {skipped}", file=sys.stderr)
    return EXIT_OK if graded or not skipped else EXIT_PROBLEMS


class _Progress:
    def __init__(self, total: int):
        self.total, self.count = total, 0

    def __call__(self) -> None:
        self.count += 1
        if self.count % 25 == 0 or self.count == self.total:
            filled = int(30 * min(self.count, self.total) / self.total)
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.count}/{self.total}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        print(file=sys.stderr)


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def cmd_calibrate(args: argparse.Namespace) -> int:
    from coach.scoring.grading import calibrate

    files = [Path(p) for p in args.targets if Path(p).exists()]
    ids = [t for t in args.targets if not Path(t).exists()]
    lib = _library(args, _expand([str(f) for f in files]))
    scenarios = []
    if files:
        wanted = {f.resolve() for f in _expand([str(f) for f in files])}
        scenarios = [e.item for e in lib.scenarios.values() if e.path.resolve() in wanted]
        for p in lib.problems_in(wanted):
            print(p, file=sys.stderr)
    elif not ids:
        scenarios = [e.item for e in sorted(lib.scenarios.values(), key=lambda e: e.item.id)]
    if ids:
        try:
            scenarios += [lib.scenario(i) for i in ids]
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    results = calibrate(lib, scenarios)
    misses = [r for r in results if not r.ok]
    for r in results:
        if args.quiet and r.ok:
            continue
        want = "/".join(r.expect) + ("" if not r.expect_flags else " +" + ",".join(r.expect_flags))
        want += f" level {r.expect_level} or above" if r.expect_level else ""
        got = r.band + ("" if not r.flags else " +" + ",".join(r.flags))
        got += f" level {r.level or 'below the first'}" if r.expect_level else ""
        print(f"{'ok  ' if r.ok else 'MISS'}  {r.scenario}/{r.stage}  {r.label}: expected {want}, got {got} ({r.score:g})")
    print(f"\n{len(results) - len(misses)} of {len(results)} calibration answers in their bands"
          + (f"; {len(misses)} missed" if misses else ""), file=sys.stderr)
    return EXIT_PROBLEMS if misses or not results else EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from coach.scoring.explain import explain_text
    from coach.scoring.engine import Scorer

    lib = _library(args)
    sc, stage = _scenario_stage(lib, args.scenario, args.stage)
    print(explain_text(Scorer(lib), sc, stage, _read_answer(args.answer)))
    return EXIT_OK


def cmd_draft_rubric(args: argparse.Namespace) -> int:
    from coach.library.formats import Competency
    from coach.scoring.drafting import draft_rubric, to_toml

    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.id):
        raise UserError(f"{args.id!r} is not a valid id: use lower-case letters, digits and hyphens")
    reference = _read_answer(args.source)
    if not reference.strip():
        raise UserError(f"{args.source}: the reference answer is empty")
    try:
        competency = Competency(args.competency)
    except ValueError:
        raise UserError(f"unknown competency {args.competency!r}; choose one of "
                        + ", ".join(c.value for c in Competency)) from None
    rubric = draft_rubric(reference, args.id, competency, question=args.question or "")
    text = to_toml(rubric)
    if args.output:
        target = Path(args.output)
        if target.exists() and not args.force:
            raise UserError(f"{target} already exists (use --force to overwrite)")
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}: {len(rubric.criteria)} criteria, {sum(len(c.concepts) for c in rubric.criteria)} concepts")
    else:
        print(text, end="")
    return EXIT_OK


def _store():  # type: ignore[no-untyped-def]
    from coach.practice.store import Store, StoreError

    try:
        return Store()
    except StoreError as exc:
        raise UserError(str(exc)) from None


def cmd_practice(args: argparse.Namespace) -> int:
    from coach.practice.session import Mode, Session

    lib = _library(args)
    store = _store()
    if args.resume:
        from coach.practice.resume import resume

        try:
            session = resume(store, lib, args.resume)
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    elif args.id:
        try:
            session = Session.new(lib, args.id, _target_level(args.level), Mode(args.mode))
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    elif args.plain:
        raise UserError("say which scenario to practise: coach practice ID --plain (see `coach list`)")
    else:
        session = None
    if args.plain:
        from coach.cli.plain import run_plain

        source = sys.stdin
        if args.answers:
            try:
                source = open(args.answers, encoding="utf-8")
            except OSError as exc:
                raise UserError(f"{args.answers}: {exc.strerror}") from None
        assert session is not None
        return run_plain(session, store, stdin=source, interactive=sys.stdin.isatty() and not args.answers)
    return _run_app(args, lib, store, session)


def _run_app(args: argparse.Namespace, lib: "Library", store, session) -> int:  # type: ignore[no-untyped-def]
    if not _has_terminal():
        raise UserError("the full-screen app needs a terminal; use `coach practice ID --plain` in pipes and scripts")
    from coach.tui.app import make_app

    app = make_app(lib, store, session=session)
    app.run()
    return app.return_code or 0


def _mentor_scores(args: argparse.Namespace, rows, states: dict[str, dict]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The mentor's final overall score of each reviewed session among ``rows``."""
    from coach.practice.session import Session, SessionError

    lib = None
    out = {}
    for r in rows:
        if r.status != "finished" or not (states[r.id].get("review") or {}).get("reviewed"):
            continue
        lib = lib or _library(args)  # only loaded when a session was reviewed
        if r.scenario not in lib.scenarios:
            continue  # the scenario is gone: only the automatic score is known
        try:
            out[r.id] = Session.restore(lib, states[r.id]).summary(reviewed=True).score
        except (ValueError, KeyError, SessionError):
            continue
    return out


def cmd_history(args: argparse.Namespace) -> int:
    import json
    import shutil

    store = _store()
    rows = store.sessions(limit=args.limit)
    states = {r.id: json.loads(store.load_state(r.id)) for r in rows}
    mentor = _mentor_scores(args, rows, states)
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(r) | {"mentor_score": mentor.get(r.id)} for r in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("No sessions yet. Practise one with `coach` or `coach practice ID`.")
        return EXIT_OK

    def reviewer(session_id: str) -> str:
        review = states[session_id].get("review") or {}
        return (review.get("mentor") or "yes") if review.get("reviewed") else "-"

    def score(r) -> str:  # type: ignore[no-untyped-def]
        """The mentor's score is final; the automatic one stays beside it."""
        auto = f"{r.score:g}" if r.score is not None else "-"
        return f"{mentor[r.id]:g} (auto {auto})" if r.id in mentor else auto

    # LEARNER: "you", or the mentee a mentor ran or reviewed the session for (not in your progress)
    table = [[r.id, r.started[:16].replace("T", " "), r.scenario, r.learner or "you", r.mode, r.target,
              score(r), r.status, reviewer(r.id)] for r in rows]
    _print_table(["SESSION", "STARTED", "SCENARIO", "LEARNER", "MODE", "TARGET", "SCORE", "STATUS", "MENTOR"], table,
                 shutil.get_terminal_size((120, 24)).columns)
    return EXIT_OK


def _open_session(session_id: str, lib: "Library"):  # type: ignore[no-untyped-def]
    from coach.practice.history import load_session

    store = _store()
    try:
        return store, load_session(store, lib, session_id)
    except KeyError as exc:
        raise UserError(exc.args[0] + " (see `coach history`)") from None
    except ValueError as exc:
        raise UserError(f"session {session_id!r} cannot be read by this coach: {str(exc).splitlines()[0]}") from None


def cmd_report(args: argparse.Namespace) -> int:
    from coach.render import html as reports

    lib = _library(args)
    if args.progress:
        fmt = "html" if args.format == "html" else "md"
        text = reports.progress_html(_store(), lib) if fmt == "html" else reports.progress_markdown(_store(), lib)
    else:
        if not args.session:
            raise UserError("say which session: coach report SESSION (see `coach history`), or --progress")
        store, session = _open_session(args.session, lib)
        text = reports.session_report(session, args.format, store)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(text, end="")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from coach.practice.history import export_lines

    store = _store()
    lines = list(export_lines(store, args.session or None, args.learner or ""))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        print(f"exported {len(lines)} session(s) to {args.output}", file=sys.stderr)
    else:
        for line in lines:
            print(line)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from coach.practice.history import import_file

    store = _store()
    problems = 0
    for name in args.files:
        try:
            result = import_file(store, Path(name), mine=args.mine)
        except OSError as exc:
            raise UserError(f"{name}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UserError(f"{name}: not a UTF-8 text file") from None
        for problem in result.problems or []:
            print(f"{name}: {problem} (skipped)", file=sys.stderr)
        problems += len(result.problems or [])
        reviewed = f", {result.reviewed} updated with a mentor's review" if result.reviewed else ""
        reviewed += f", {result.claimed} now counted as yours" if result.claimed else ""
        print(f"{name}: added {result.added} session(s), {result.unchanged} already present{reviewed}")
        if result.for_others:
            print(f"{name}: {result.for_others} of them were run for another learner and do not count in your progress; "
                  "if they are yours (a mock interview your mentor ran for you), run the import again with --mine")
    return EXIT_PROBLEMS if problems else EXIT_OK


def cmd_rescore(args: argparse.Namespace) -> int:
    from coach.practice.history import is_outdated, load_session, rescore
    from coach.practice.resume import persist

    lib = _library(args)
    store = _store()
    if args.session:
        ids = [args.session]
    else:
        ids = [r.id for r in store.sessions(status="finished", limit=1_000_000) if r.scenario in lib.scenarios]
    rescored = changed = skipped = 0
    for sid in ids:
        try:
            session = load_session(store, lib, sid)
        except (KeyError, ValueError) as exc:
            print(f"{sid}: skipped ({str(exc).splitlines()[0]})", file=sys.stderr)
            skipped += 1
            continue
        if not args.session and not is_outdated(session) and not args.all:
            continue
        before = session.summary().score if session.finished else None
        deltas = rescore(session)
        after = session.summary().score if session.finished else None
        moved = [d for d in deltas if abs(d.after - d.before) >= 0.05]
        rescored += 1
        changed += bool(moved)
        def overall(score: float | None) -> str:
            return f"{score:g}" if score is not None else "not assessed"

        print(f"{sid} {session.scenario.id}: overall {overall(before)} -> {overall(after)}")
        for d in moved:
            print(f"    {d.stage}: {d.before:g} -> {d.after:g}")
        if args.apply:
            persist(store, session)
    # always end by saying what happened, so an empty output never leaves the user guessing
    if not ids:
        print("No finished sessions to re-score.")
    elif not rescored and not skipped:
        print(f"Nothing to re-score: the {len(ids)} finished session(s) were scored with the current scenario "
              "and rubric files. Use --all to re-score them anyway.")
    else:
        done = f"Re-scored {rescored} session(s), {changed} with a changed score" + (f", skipped {skipped}" if skipped else "")
        saved = f"saved {rescored}." if args.apply else "nothing saved (run again with --apply to keep the new scores)."
        print(f"\n{done}; {saved}")
    return EXIT_PROBLEMS if skipped and args.session else EXIT_OK


def cmd_next(args: argparse.Namespace) -> int:
    from coach.practice.history import recommend

    lib = _library(args)
    rec = recommend(_store(), lib, _target_level(args.level))
    if rec.scenario:
        print(f"Practise next: {rec.scenario} ({lib.scenario(rec.scenario).title})")
    print(rec.reason)
    return EXIT_OK


def cmd_cohort(args: argparse.Namespace) -> int:
    import shutil

    from coach.library.formats import Competency
    from coach.practice.mentor import cohort

    lib = _library(args)
    try:
        columns, rows = cohort([Path(f) for f in args.files], lib)
    except (OSError, ValueError) as exc:
        raise UserError(str(exc)) from None
    if not rows:
        print("No finished sessions in these files.")
        return EXIT_OK
    header = ["LEARNER"] + [Competency(c).title for c in columns]
    table = [[name] + [f"{scores[c]:.2f}" if c in scores else "-" for c in columns] for name, scores in rows]
    if args.format == "md":
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join("---" for _ in header) + " |")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        _print_table(header, table, shutil.get_terminal_size((160, 24)).columns)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    command = f"{sys.executable} -m coach" + (f" practice {args.scenario}" if args.scenario else "")
    if args.host not in ("localhost", "127.0.0.1", "::1"):
        print(f"warning: serving on {args.host}: anyone who can reach it can use the coach", file=sys.stderr)
    print(f"Serving the coach at http://{args.host}:{args.port} (ctrl+c to stop)", file=sys.stderr)
    Server(command, host=args.host, port=args.port, title="TPM Coach").serve()
    return EXIT_OK


def cmd_mentor(args: argparse.Namespace) -> int:
    from coach.practice.session import Mode, Session

    lib = _library(args)
    store = _store()
    if not args.id:
        raise UserError("say which scenario to run: coach mentor ID (see `coach list`)")
    try:
        session = Session.new(lib, args.id, _target_level(args.level), Mode.interview)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    # the mentee's session, never the mentor's own practice (see coach.history.own_sessions)
    session.state.learner = args.learner or "mentee"
    _require_terminal()
    from coach.tui.app import make_app

    app = make_app(lib, store, mentor_session=session, mentor_name=args.name or "")
    app.run()
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from coach.practice.mentor import read_export

    lib = _library(args)
    try:
        items = read_export(Path(args.file))
    except OSError as exc:
        raise UserError(f"{args.file}: {exc.strerror}") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    items = [(s, r) for s, r in items if s.scenario in lib.scenarios and s.records]
    if not items:
        raise UserError(f"{args.file}: no session with answers for a scenario in your library")
    _require_terminal()
    from coach.tui.app import make_app

    out = Path(args.output) if args.output else Path(args.file).with_suffix(".reviewed.jsonl")
    app = make_app(lib, _store(), review_items=items, review_output=out, mentor_name=args.name or "")
    app.run()
    return EXIT_OK


def _require_terminal() -> None:
    if not _has_terminal():
        raise UserError("this command opens the full-screen app and needs a terminal")


def _has_terminal() -> bool:
    """Whether the full-screen app can run: on a real terminal, or with a Textual driver that needs none.

    `coach serve` (textual-serve) starts `coach` over pipes with TEXTUAL_DRIVER naming Textual's web driver,
    so a driver chosen in the environment counts, unless it is one of Textual's own terminal drivers."""
    import os

    driver = os.environ.get("TEXTUAL_DRIVER", "")
    if driver and not driver.startswith(("textual.drivers.linux_driver", "textual.drivers.windows_driver")):
        return True
    return sys.stdout.isatty() and sys.stdin.isatty()


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description="TPM Coach: practise Technical Product Manager interviews in the terminal.",
        epilog="Run `coach` with no command to open the app. `coach COMMAND --help` explains each command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--scenarios", action="append", type=Path, metavar="DIR",
                        help="also load scenarios from DIR (repeatable; overrides ids already loaded)")
    common.add_argument("--rubrics", action="append", type=Path, metavar="DIR",
                        help="also load rubrics from DIR (repeatable; overrides ids already loaded)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str, desc: str = "") -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=desc or help)
        p.set_defaults(handler=handler)
        return p

    p = add("list", cmd_list, "list the scenarios in the library",
            "List every scenario: id, title, competencies, difficulty, target level, time, and where it came from.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = add("show", cmd_show, "show a scenario's briefing, interviewer and stages")
    p.add_argument("id", help="scenario id (see `coach list`)")

    p = add("validate", cmd_validate, "check scenario, rubric and ladder files",
            "Check files or folders (default: the whole library). Prints file:line: key: message for each "
            "problem and exits 1 if there is any.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")

    p = add("schema", cmd_schema, "print the JSON Schema of a file format",
            "Print the JSON Schema for a format. Save it and point your editor at it, e.g. with a "
            "`#:schema ./scenario.schema.json` first line in a TOML file.")
    p.add_argument("kind", choices=["scenario", "rubric", "ladder", "report"])

    p = add("new", cmd_new, "start a new scenario file from a commented template")
    p.add_argument("kind", choices=["scenario"])
    p.add_argument("id", help="the new scenario's id, e.g. launch-review")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: your user scenarios folder)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = add("practice", cmd_practice, "practise a scenario (the app, or --plain in any terminal)",
            "Practise a scenario in the full-screen app, or with --plain line by line in any terminal or pipe "
            "(an answer ends with a blank line; /hint, /skip and /quit are commands). Sessions are saved as you go.")
    p.add_argument("id", nargs="?", help="the scenario id (see `coach list`); omit to choose in the app")
    p.add_argument("--plain", action="store_true", help="line by line, no full-screen UI (screen readers, pipes)")
    p.add_argument("--mode", choices=["study", "interview"], default="study",
                   help="study: feedback after each answer (default); interview: feedback only at the end")
    p.add_argument("--level", metavar="LEVEL", help="the level you target (default: the scenario's)")
    p.add_argument("--answers", metavar="FILE", help="with --plain: read answers from FILE (blank-line separated)")
    p.add_argument("--resume", metavar="SESSION", help="resume a saved session by its id")

    p = add("history", cmd_history, "list your past practice sessions")
    p.add_argument("--limit", type=int, default=50, help="how many, newest first (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("report", cmd_report, "a session report, or your progress across sessions",
            "Write a session's transcript, scores with evidence, advice and model answers, or with --progress "
            "your competency trends across sessions.")
    p.add_argument("session", nargs="?", help="the session id (see `coach history`)")
    p.add_argument("--progress", action="store_true", help="progress across all finished sessions")
    p.add_argument("--format", choices=["md", "html", "json"], default="md", help="default: md")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")

    p = add("export", cmd_export, "export sessions as JSON Lines (to move machines or send to a mentor)")
    p.add_argument("--session", action="append", metavar="ID", help="only this session (repeatable)")
    p.add_argument("--learner", metavar="NAME", help="your name, for a mentor collecting a cohort's files")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")

    p = add("import", cmd_import, "import sessions from JSON Lines exports; sessions already present are kept")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--mine", action="store_true",
                   help="the sessions are yours (a mock interview your mentor ran for you): count them in your progress")

    p = add("rescore", cmd_rescore, "score past sessions again with the current scenario and rubric files",
            "Re-score sessions whose scenario or rubrics changed (or one session, or --all) and show the change. "
            "Nothing is saved without --apply.")
    p.add_argument("session", nargs="?", help="one session id (default: every outdated finished session)")
    p.add_argument("--all", action="store_true", help="every finished session, changed files or not")
    p.add_argument("--apply", action="store_true", help="save the new scores")

    p = add("next", cmd_next, "which scenario to practise next, and why")
    p.add_argument("--level", metavar="LEVEL", help="the level you target")

    p = add("mentor", cmd_mentor, "run a mock interview as the mentor",
            "Run a scenario live as the mentor: read each prompt out, tick the concepts and anti-patterns you hear "
            "on the rubric checklist (a typed answer pre-ticks it), override criterion levels with a reason, add "
            "notes, and export the mentee's report. Saved in your history.")
    p.add_argument("id", nargs="?", help="the scenario id")
    p.add_argument("--name", metavar="NAME", help="your name, shown on the report")
    p.add_argument("--learner", metavar="NAME", help="the mentee's name, shown on the report (default: mentee)")
    p.add_argument("--level", metavar="LEVEL", help="the level the mentee targets")

    p = add("review", cmd_review, "review a mentee's exported session",
            "Open a mentee's export (from `coach export`), one session after another: read each answer with its automatic feedback, agree or "
            "override with a reason, comment, and export the reviewed file for the mentee to `coach import`.")
    p.add_argument("file", help="the mentee's .jsonl export")
    p.add_argument("--name", metavar="NAME", help="your name, shown on the review")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the reviewed file (default: FILE.reviewed.jsonl)")

    p = add("cohort", cmd_cohort, "a table of learners against competencies from several exports")
    p.add_argument("files", nargs="+", metavar="FILE", help="mentees' .jsonl exports")
    p.add_argument("--format", choices=["table", "md"], default="table")

    p = add("serve", cmd_serve, "serve the coach to a browser (for a remote mentee)",
            "Serve the coach as a web page with textual-serve, bound to localhost unless you say otherwise. Share it "
            "through an SSH tunnel or your own secure proxy rather than opening it to the network.")
    p.add_argument("--host", default="localhost", help="address to bind (default: localhost)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--scenario", metavar="ID", help="open this scenario directly")

    p = add("score", cmd_score, "score one answer and explain the score",
            "Score an answer against a scenario stage (or a rubric alone) and print the report: levels per "
            "criterion with evidence quoted from the answer, advice for what was missed, flags, competencies "
            "and the career-ladder level.")
    p.add_argument("--scenario", metavar="ID", help="the scenario (see `coach list`)")
    p.add_argument("--stage", metavar="S", help="the stage id (default: the first stage)")
    p.add_argument("--rubric", metavar="ID", help="score against a rubric alone instead of a stage")
    p.add_argument("--answer", required=True, metavar="FILE", help="the answer text file, or - for standard input")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                   help="output format (JSON follows `coach schema report`)")
    p.add_argument("--level", metavar="LEVEL", help="the level you target (default: the scenario's)")
    p.add_argument("--model-answer", action="store_true", help="also print the model answer and takeaways")

    p = add("grade", cmd_grade, "score many answers from a CSV or JSON Lines file",
            "Score many answers. Each row has an `id`, an `answer`, and either `scenario` and `stage` "
            "(or stage as scenario/stage), or a `rubric` (also --scenario or --rubric for all rows). Bad rows are "
            "reported on stderr and skipped.")
    p.add_argument("input", nargs="?", default="-", help="input file (.csv or .jsonl), or - for standard input")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    p.add_argument("--input-format", choices=["csv", "jsonl"], help="default: from the file name, else csv")
    p.add_argument("--output-format", choices=["csv", "jsonl"], help="default: from the file name, else the input's")
    p.add_argument("--scenario", metavar="ID", help="scenario for rows that do not name one")
    p.add_argument("--rubric", metavar="ID", help="score every row against this rubric alone")

    p = add("calibrate", cmd_calibrate, "run the calibration answers (the authors' tests)",
            "Score every calibration answer in the library, or in the given files or scenario ids, and print "
            "expected against got. Exits 1 if any answer misses its band or flags.")
    p.add_argument("targets", nargs="*", metavar="PATH|ID", help="scenario files, folders or ids (default: all)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the misses")

    p = add("draft-rubric", cmd_draft_rubric, "draft a rubric from a reference or model answer",
            "Draft a rubric from a reference answer by one general rule: each sentence becomes a criterion and "
            "each key word a concept (words the question already uses are left out). A first draft to edit.")
    p.add_argument("source", metavar="FILE", help="the reference answer (a text file, or - for standard input)")
    p.add_argument("--id", required=True, help="the new rubric's id")
    p.add_argument("--competency", default="communication",
                   help="the competency it measures: trade-offs, communication, technical-influence, execution, "
                        "stakeholder-alignment, data-driven, architecture or career-growth (default: communication)")
    p.add_argument("--question", metavar="TEXT", help="the question, so its own words earn nothing")
    p.add_argument("-o", "--output", metavar="FILE", help="write the TOML here (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = add("explain", cmd_explain, "show how each concept was matched, for rubric authors",
            "For one answer, show every concept with its best-matching span, similarity, negation and the "
            "decision, plus anti-patterns, signals and flags, so a rubric can be tuned.")
    p.add_argument("--scenario", required=True, metavar="ID")
    p.add_argument("--stage", metavar="S", help="default: the first stage")
    p.add_argument("--answer", required=True, metavar="FILE", help="the answer text file, or - for standard input")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tpm-coach")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            return open_app(args)
        return handler(args)
    except UserError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def open_app(args: argparse.Namespace) -> int:
    """`coach` with no command: the app, on the catalogue."""
    for name in ("scenarios", "rubrics"):
        setattr(args, name, getattr(args, name, None))
    return _run_app(args, _library(args), _store(), None)


if __name__ == "__main__":
    sys.exit(main())
