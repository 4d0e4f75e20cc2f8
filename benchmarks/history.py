"""A long-time user's history: how `coach next`, `coach report --progress`, the history screen,
`coach export` and `coach import` scale with the number of stored sessions, on this machine.

    python benchmarks/history.py                 # 100, 1,000 and 10,000 sessions
    python benchmarks/history.py --sizes 100,1000 --json

Each size gets a synthetic history in a temporary folder (COACH_HOME): finished sessions of every
built-in scenario, answered with its calibration answers and spread over the past years. Every
command runs in its own process, as a user runs it, after one warm-up run.

Targets (issue 15): the time of `coach next`, `coach report --progress` and opening the history
screen at 10,000 sessions at most 3 times the time at 100; `coach export` peak memory flat with
size and at most 100 MB; `coach import` at least 2,000 sessions per second (stored, awaiting
verification). Verifying them (`coach rescore`: every answer scored again) is measured too, with
no target: it is the scoring engine's speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's coach, wherever the script is run from

try:
    from coach.library.loader import load_library
    from coach.practice.resume import persist
    from coach.practice.session import Session
    from coach.practice.store import Store
except ImportError as exc:  # run with a bare python3: say how to run it rather than a traceback
    sys.exit(
        f"benchmarks/history.py needs the coach installed ({exc}): pip install -e . then python benchmarks/history.py"
    )

RATIO_TARGET, EXPORT_MB_TARGET, IMPORT_RATE_TARGET = 3.0, 100.0, 2000.0
EXPORT_FLAT_MB = 10.0  # "flat": the largest history's export peak at most this much above the smallest's

# Opens the app headless on the catalogue, opens the history screen (ctrl+r) and prints the seconds
# until its sessions table is filled (the figure measured: the screen, not the process start).
HISTORY_SCREEN = """
import sys, time
from coach.library.loader import load_library
from coach.practice.store import Store
from coach.tui.app import make_app

async def main():
    app = make_app(load_library(), Store())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("ctrl+r")
        while True:
            await app.workers.wait_for_complete()
            await pilot.pause()
            tables = app.screen.query("#sessions")
            if tables and tables.first().row_count:
                break
        print(time.perf_counter() - start)

import asyncio
asyncio.run(main())
"""


def templates(library) -> list[Session]:  # type: ignore[no-untyped-def]
    """One finished session per scenario and kind of answer (strong, middling, weak)."""
    out = []
    for scenario_id in sorted(library.scenarios):
        for label in ("strong", "middling", "weak"):
            session = Session.new(library, scenario_id)
            session.start()
            while not session.finished:
                pick = next((c.answer for c in session.stage.calibration if c.label == label), None)
                session.submit(pick) if pick else session.skip()
            out.append(session)
    return out


def build_history(home: Path, size: int, library, pool: list[Session]) -> None:  # type: ignore[no-untyped-def]
    """`size` finished sessions saved the way the app saves them, newest a day ago."""
    os.environ["COACH_HOME"] = str(home)
    store = Store()
    store.db.execute("PRAGMA synchronous = OFF")  # building only: no disk sync per session
    newest = datetime.now(timezone.utc) - timedelta(days=1)
    for i in range(size):
        template = pool[i % len(pool)]
        started = (newest - timedelta(hours=7 * i)).isoformat(timespec="seconds")
        state = template.state.model_copy(update={"id": f"bench{i:07d}", "started": started})
        persist(store, Session(library, state, template.scorer))
    store.close()


def coach(home: Path, *args: str) -> float:
    """Run `coach ARGS` in its own process, as a user does; the seconds it took."""
    env = dict(os.environ, COACH_HOME=str(home), PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "coach", *args], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if run.returncode:
        raise RuntimeError(f"coach {' '.join(args)} failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    return seconds


# Starts a command, waits for it and prints its peak resident memory (ru_maxrss, KB on Linux).
# The measured command is started from this small process, not from the benchmark: Linux keeps a
# process's peak across fork (or vfork) and exec, so a command the benchmark starts reports at
# least the benchmark's own peak (184 MB once it has loaded the library and built a history: what
# an export of 100 sessions showed, for 69 MB run alone). From here, it carries at most this
# launcher's own peak (11 MB).
PEAK_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_memory_kb(home: Path, *args: str) -> int:
    """The peak resident memory of `coach ARGS`, in KB (ru_maxrss of that one process)."""
    env = dict(os.environ, COACH_HOME=str(home), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", PEAK_LAUNCHER, sys.executable, "-m", "coach", *args]
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if run.returncode:
        raise RuntimeError(f"coach {' '.join(args)} failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    return int(run.stdout.split()[-1])


def median_seconds(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    run()  # warm-up: the disk cache, and any one-off work after the history was written
    return statistics.median(run() for _ in range(repeat))


def history_screen_seconds(home: Path) -> float:
    env = dict(os.environ, COACH_HOME=str(home), PYTHONPATH=str(ROOT))
    run = subprocess.run(
        [sys.executable, "-c", HISTORY_SCREEN], env=env, capture_output=True, text=True, check=False, timeout=900
    )
    if run.returncode:
        raise RuntimeError(f"history screen failed: {run.stderr.strip()[-800:]}")
    return float(run.stdout.split()[-1])


def measure(size: int, library, pool: list[Session], repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory(prefix=f"coach-bench-{size}-") as tmp:
        home, fresh = Path(tmp) / "home", Path(tmp) / "fresh"
        build_history(home, size, library, pool)
        res: dict[str, float] = {"size": size}
        res["next_s"] = median_seconds(lambda: coach(home, "next"), repeat)
        res["progress_s"] = median_seconds(lambda: coach(home, "report", "--progress"), repeat)
        res["history_screen_s"] = median_seconds(lambda: history_screen_seconds(home), repeat)
        export = Path(tmp) / "export.jsonl"
        res["export_mb"] = peak_memory_kb(home, "export", "-o", str(export)) / 1024
        seconds = coach(fresh, "import", str(export))
        res["import_per_s"] = size / seconds
        res["verify_per_s"] = size / coach(fresh, "rescore")  # the imported sessions, verified
        return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="history sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    library = load_library(include_user=False)
    pool = templates(library)
    results = []
    for size in sizes:
        results.append(measure(size, library, pool, args.repeat))
        if not args.json:
            r = results[-1]
            print(
                f"{size:>6} sessions: next {r['next_s']:.3f} s, report --progress {r['progress_s']:.3f} s, "
                f"history screen {r['history_screen_s']:.3f} s, export peak {r['export_mb']:.0f} MB, "
                f"import {r['import_per_s']:.0f} sessions/s, verify {r['verify_per_s']:.0f} sessions/s",
                flush=True,
            )
    first, last = results[0], results[-1]
    ratios = {key: last[key] / first[key] for key in ("next_s", "progress_s", "history_screen_s")}
    peaks = [r["export_mb"] for r in results]
    verdicts = {
        **{f"{key} ratio": ratio <= RATIO_TARGET for key, ratio in ratios.items()},
        "export memory": max(peaks) <= EXPORT_MB_TARGET and max(peaks) - min(peaks) <= EXPORT_FLAT_MB,
        "import rate": last["import_per_s"] >= IMPORT_RATE_TARGET,
    }
    if args.json:
        print(json.dumps({"results": results, "ratios": ratios, "pass": verdicts}, indent=2))
        return 0
    span = f"{last['size']:,}/{first['size']:,}"
    print(f"\n== summary ({span} sessions)")
    for key, label in (
        ("next_s", "coach next"),
        ("progress_s", "report --progress"),
        ("history_screen_s", "history screen"),
    ):
        ok = "PASS" if verdicts[f"{key} ratio"] else "FAIL"
        print(f"{label:18} time ratio {span}: {ratios[key]:5.2f} (target <= {RATIO_TARGET:g}) {ok}")
    print(
        f"{'export':18} peak memory: {min(peaks):.0f}-{max(peaks):.0f} MB "
        f"(target <= {EXPORT_MB_TARGET:g}, flat: within {EXPORT_FLAT_MB:g}) "
        f"{'PASS' if verdicts['export memory'] else 'FAIL'}"
    )
    rate = last["import_per_s"]
    print(
        f"{'import':18} rate at {last['size']:,}: {rate:5.0f} sessions/s stored unverified, start-up included "
        f"(target >= {IMPORT_RATE_TARGET:g}) "
        f"{'PASS' if verdicts['import rate'] else 'FAIL'}"
    )
    print(
        f"{'verify (rescore)':18} rate at {last['size']:,}: {last['verify_per_s']:5.0f} sessions/s, start-up included "
        "(no target: every answer scored again)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
