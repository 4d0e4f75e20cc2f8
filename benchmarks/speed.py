"""Speed figures for the scorer and the CLI, on this machine.

    python benchmarks/speed.py

Targets (issue 3): a 300-word answer scored against everything its stage assesses in at
most 5 ms median; a 5,000-word answer in at most 100 ms; `coach grade` at least 300
answers per second; `coach --help` at most 0.15 s (issue 11).
"""

from __future__ import annotations

import io
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from coach.library.loader import load_library
from coach.scoring.engine import Scorer
from coach.scoring.grading import Row, grade


def words_from(pool: list[str], n: int, seed: int) -> str:
    """An answer of about n words made of real answer sentences, varied so it is not one repeat."""
    rng = random.Random(seed)
    sentences = [s.strip() + "." for text in pool for s in text.replace("\n", " ").split(".") if len(s.split()) > 3]
    out: list[str] = []
    while sum(len(s.split()) for s in out) < n:
        out.append(rng.choice(sentences))
    return " ".join(out)


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    lib = load_library(include_user=False)
    scorer = Scorer(lib)
    sc = lib.scenario("upmarket-pricing")
    stage = sc.stage("strategy")
    assert stage is not None
    pool = [c.answer for s in sc.stages for c in s.calibration] + [s.model_answer for s in sc.stages]
    short, long_ = words_from(pool, 300, 1), words_from(pool, 5000, 2)
    scorer.score_stage(sc, stage, short)  # compile the stage once, as the app does
    print(
        f"300-word answer:   {median_ms(lambda: scorer.score_stage(sc, stage, short), 200):6.2f} ms median (target <= 5)"
    )
    print(
        f"5,000-word answer: {median_ms(lambda: scorer.score_stage(sc, stage, long_), 20):6.2f} ms median (target <= 100)"
    )

    rows = [
        Row(i, {"id": str(i), "scenario": sc.id, "stage": s.id, "answer": words_from(pool, 150, i)})
        for i, s in enumerate(sc.stages * 200)
    ]
    rates = []
    for _ in range(3):  # a fresh scorer each run, as each `coach grade` starts with one
        start = time.perf_counter()
        graded, _ = grade(rows, Scorer(lib), io.StringIO(), "csv", errors=io.StringIO())
        rates.append(graded / (time.perf_counter() - start))
    print(
        f"grade:             {statistics.median(rates):6.0f} answers/s median of 3 runs over {graded} answers "
        "of ~150 words (target >= 300)"
    )

    # the console script installed beside this interpreter (a version-manager shim would add its own start-up)
    script = Path(sys.executable).with_name("coach")
    cmd = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "coach", "--help"]
    help_ms = median_ms(lambda: subprocess.run(cmd, capture_output=True, check=True), 10)
    print(f"coach --help:      {help_ms / 1000:6.3f} s median of 10 (target <= 0.15)")


if __name__ == "__main__":
    main()
