"""Time and peak memory of scoring hostile answers: work on any input is bounded.

    python benchmarks/hostile.py

Each answer is scored against a real stage in a fresh process (so peak memory is that
answer's alone, on top of the loaded library). Target: each at most 0.5 s and 200 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RECIPES = Path(__file__).resolve().parent.parent / "tests" / "data" / "hostile" / "answers.json"


def cases() -> dict[str, str]:
    """The hostile answers of tests/data/hostile/answers.json, built from their recipes."""
    recipes = json.loads(RECIPES.read_text())
    return {
        name: r["before"] + r["piece"] * r["times"] + r["after"]
        for name, r in recipes.items()
        if not name.startswith("_")
    }


TIME_LIMIT, MEMORY_LIMIT_MB = 0.5, 200

CHILD = """
import json, resource, sys, time
from coach.library.loader import load_library
from coach.scoring.engine import Scorer
scorer = Scorer(load_library(include_user=False))
sc = scorer.library.scenario("risky-rollout")
st = sc.stage("rollback")
scorer.score_stage(sc, st, "We roll back first, then repair the duplicated edits.")  # warm: compile the stage
answer = sys.stdin.read()
start = time.perf_counter()
report = scorer.score_stage(sc, st, answer)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "score": report.score, "flags": sorted(report.flag_codes())}))
"""


def run(answer: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], input=answer, capture_output=True, text=True, timeout=120, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> int:
    failed = 0
    print(f"{'hostile answer':38} {'seconds':>8} {'peak MB':>8}  score  flags")
    corpus = cases()
    for name, answer in corpus.items():
        r = run(answer)
        ok = float(r["seconds"]) <= TIME_LIMIT and float(r["peak_mb"]) <= MEMORY_LIMIT_MB  # type: ignore[arg-type]
        failed += not ok
        flags = ", ".join(r["flags"])  # type: ignore[arg-type]
        print(f"{name:38} {r['seconds']:8.3f} {r['peak_mb']:8.0f}  {r['score']:5}  {flags}{'' if ok else '  OVER'}")
    print(f"\n{len(corpus) - failed} of {len(corpus)} within {TIME_LIMIT} s and {MEMORY_LIMIT_MB} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
