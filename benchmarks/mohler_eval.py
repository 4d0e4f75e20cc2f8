"""Agreement with human graders on the Mohler et al. (2011) short-answer data.

For every question a rubric is drafted from its reference answer by the general rule
in coach/rubricgen.py (never tuned per question, never trained on student answers);
every student answer is scored; the score (0-100) is mapped to the graders' 0-5
scale; Pearson r and RMSE against the graders' average are printed beside the
published figures from the data set's README.

    python benchmarks/mohler_eval.py [path/to/mohler_dataset_edited.csv]
"""

from __future__ import annotations

import csv
import math
import sys
import time
from pathlib import Path

from coach.formats import Competency
from coach.rubricgen import draft_rubric
from coach.scoring import Target, build_target, Criterion, _concepts, score

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "mohler" / "mohler_dataset_edited.csv"
PUBLISHED = [
    ("bag-of-words + SVMRank (trained)", 0.480, 1.042),
    ("tf-idf + SVR (trained)", 0.327, None),
    ("Sultan et al. 2016 (trained)", 0.592, 0.887),
]


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def target_for(question: str, reference: str, qid: str) -> Target:
    rubric = draft_rubric(reference, "q-" + qid.replace(".", "-"), Competency.communication, question=question)
    criteria = [Criterion(f"{rubric.id}.{c.id}", rubric, c, tuple(_concepts(rubric, c))) for c in rubric.criteria]
    return build_target(criteria, prompt=question, reference=reference)


def main(path: Path) -> None:
    if not path.exists():
        sys.exit(f"no data at {path}: pass the CSV path")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    targets: dict[str, Target] = {}
    gold, pred = [], []
    start = time.perf_counter()
    for r in rows:
        t = targets.get(r["id"])
        if t is None:
            t = targets[r["id"]] = target_for(r["question"], r["desired_answer"], r["id"])
        report = score(t, r["student_answer"])
        pred.append(5 * report.score / 100)
        gold.append(float(r["score_avg"]))
    elapsed = time.perf_counter() - start
    r_value = pearson(pred, gold)
    rmse = math.sqrt(sum((p - g) ** 2 for p, g in zip(pred, gold)) / len(gold))
    print(f"Mohler 2011: {len(rows)} answers, {len(targets)} questions, scored in {elapsed:.2f} s")
    print(f"{'system':40} {'Pearson r':>10} {'RMSE':>7}")
    print(f"{'TPM Coach, drafted rubrics (untrained)':40} {r_value:10.3f} {rmse:7.3f}")
    for name, pr, prmse in PUBLISHED:
        print(f"{name:40} {pr:10.3f} {prmse if prmse is not None else float('nan'):7.3f}")
    print(f"\nmean score: graders {sum(gold) / len(gold):.2f}/5, coach {sum(pred) / len(pred):.2f}/5 "
          "(the coach's score is strict coverage of the reference, mapped linearly; no mapping is fitted "
          "to this data, so RMSE mostly measures that difference in scale)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
