"""How far the scorer agrees with human graders, on answers nobody wrote to fit its rubrics.

    python benchmarks/agreement.py [--eval DIR] [--only tpm-blind|mohler|semeval] [--json] [--jobs N]

Three eval sets (each folder's README describes it; they measure, they are never tuned on):

- tpm-blind: 80 expert-scored answers to 10 stages of the built-in library, each scored
  against its stage as `coach score --scenario S --stage T` does (built-in library only).
  Spearman and Kendall tau-b over all 80, pairwise ordering within each stage (the
  scorer's ties count as wrong), mean score per tag, and the issue's per-stage checks.
- mohler: 2,273 CS answers graded 0-5. A rubric is drafted from each reference answer
  by the rule of `coach draft-rubric`; Pearson r and RMSE of 5 x score / 100.
- semeval: SemEval-2013 Task 7, every test split. A rubric is drafted from each of a
  question's reference answers by the same rule and an answer scores its best over them
  (any reference is a correct answer; on beetle_train its 2-way macro-F1 was 0.745, against
  0.681 drafting from the first reference and 0.633 from all of them as one rubric).
  Labels come from the score by thresholds chosen on the training CSV of the same corpus
  only (see choose_2way / choose_3way), never on a test split, the same for every question.

The output ends with a summary of at most 14 lines: each headline figure, its target
and PASS/FAIL. The exit status is 0 whenever the figures were measured, pass or fail.
The parts run in two processes by default (SemEval's two corpora apart), as a hook
gives the whole run 50 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing it

try:
    from coach.library.formats import Competency
    from coach.library.loader import load_library
    from coach.scoring.drafting import draft_rubric
    from coach.scoring.engine import Criterion, Scorer, Target, _concepts, build_target, score
    from coach.scoring.matching import Synonyms
    from coach.scoring.report import ScoreReport
except ImportError as exc:  # a python3 without the project's dependencies
    print(
        f"benchmarks/agreement.py cannot import the coach ({exc}): run `pip install -e .` "
        "then `python benchmarks/agreement.py`",
        file=sys.stderr,
    )
    sys.exit(2)

# Targets from the Scoring v2 issue.
SPEARMAN_TARGET = 0.70
PAIRWISE_TARGET = 0.80
PEARSON_TARGET = 0.55
# Per-stage checks: the plain excellent answer at or above the adequate one; these below it.
BELOW_ADEQUATE = ("wrong-confident", "stuffed", "salad", "ramble", "echo")
TAGS = (
    "excellent",
    "excellent-plain",
    "adequate",
    "weak",
    "wrong-confident",
    "short-sharp",
    "bullets",
    "stuffed",
    "salad",
    "ramble",
    "echo",
    "rejects",
    "typos",
    "nonnative",
    "offtopic",
    "clarify",
    "story",
)

MOHLER_PUBLISHED = [  # from the data set's README; those systems were trained on the data
    ("bag-of-words + SVMRank (trained)", 0.480, 1.042),
    ("tf-idf + SVR (trained)", 0.327, None),
    ("Sultan et al. 2016 (trained)", 0.592, 0.887),
]
SEMEVAL_SPLITS = {
    "beetle": ("beetle_train", ["beetle_test_ua", "beetle_test_uq"]),
    "scientsbank": ("scientsbank_train", ["scientsbank_test_ua", "scientsbank_test_uq", "scientsbank_test_ud"]),
}
# SECONDARY figures from the semeval README: the best Beetle systems as tabulated in a 2013
# student report, not checked against the task paper. (macro-F1, weighted F1 or None)
SEMEVAL_SECONDARY = {
    ("beetle_test_ua", "2way"): (0.833, None),
    ("beetle_test_uq", "2way"): (0.702, None),
    ("beetle_test_ua", "3way"): (0.715, 0.728),
    ("beetle_test_uq", "3way"): (0.585, 0.597),
}
SEMEVAL_COLUMNS = ("question_id", "question", "reference_answers", "answer", "label_3way", "label_2way")
LABELS = {"2way": ("correct", "incorrect"), "3way": ("correct", "contradictory", "incorrect")}
THRESHOLDS = range(101)  # "correct" when score >= t, t a whole number 0-100


class NotMeasured(Exception):
    """A part could not run (missing data, unknown stage); said in one line, no traceback."""


# --------------------------------------------------------------------------- metrics


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")


def ranks(xs: Sequence[float]) -> list[float]:
    """1-based ranks; tied values share the average of their ranks."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    return pearson(ranks(xs), ranks(ys))


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float:
    """(concordant - discordant) / sqrt((n0 - ties in x) (n0 - ties in y)); O(n^2), fine for 80."""
    concordant = discordant = tied_x = tied_y = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            if dx == 0 and dy == 0:
                continue  # tied in both: in neither denominator term
            if dx == 0:
                tied_x += 1
            elif dy == 0:
                tied_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + tied_x) * (concordant + discordant + tied_y))
    return (concordant - discordant) / denom if denom else float("nan")


def pairwise(gold: Sequence[float], pred: Sequence[float]) -> tuple[int, int, int]:
    """Over pairs with different gold scores: (ordered as gold, all such pairs, tied by pred).
    A pair the scorer ties is not ordered as gold: it counts as wrong."""
    right = total = ties = 0
    for i in range(len(gold)):
        for j in range(i + 1, len(gold)):
            if gold[i] == gold[j]:
                continue
            total += 1
            if pred[i] == pred[j]:
                ties += 1
            elif (gold[i] > gold[j]) == (pred[i] > pred[j]):
                right += 1
    return right, total, ties


def f1_scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> tuple[float, float]:
    """(macro F1: the plain mean over labels, weighted F1: weighted by each label's share of gold)."""
    pairs = Counter(zip(gold, pred, strict=True))
    support = [sum(n for (g, _), n in pairs.items() if g == label) for label in labels]
    per_label = []
    for label, in_gold in zip(labels, support, strict=True):
        tp = pairs[(label, label)]
        predicted = sum(n for (_, p), n in pairs.items() if p == label)
        per_label.append(2 * tp / (in_gold + predicted) if tp else 0.0)
    return sum(per_label) / len(labels), sum(f * s for f, s in zip(per_label, support, strict=True)) / len(gold)


# --------------------------------------------------------------------------- drafted rubrics


def drafted_target(question: str, reference: str, key: str) -> Target:
    """The target `coach draft-rubric` would give for this reference answer, scored with the
    reference as the model answer (its words are on topic; "too short" is judged against it)."""
    rubric_id = "q-" + (re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "x")
    rubric = draft_rubric(reference, rubric_id, Competency.communication, question=question)
    criteria = [Criterion(f"{rubric.id}.{c.id}", rubric, c, tuple(_concepts(rubric, c))) for c in rubric.criteria]
    return build_target(criteria, prompt=question, reference=reference, synonyms=library_synonyms())


@functools.lru_cache(maxsize=1)
def library_synonyms() -> Synonyms:
    """The built-in lexicon, as `coach grade --rubric` applies it to any rubric."""
    return Scorer(load_library(include_user=False)).shared()[0]


def read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise NotMeasured(f"no data at {path}")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise NotMeasured(f"{path} has no column {', '.join(missing)}")
        rows = list(reader)
    if not rows:
        raise NotMeasured(f"{path} has no rows")
    return rows


# --------------------------------------------------------------------------- tpm-blind


def tpm_blind(folder: Path) -> dict[str, Any]:
    rows = read_csv(folder / "labels.csv", ["file", "scenario", "stage", "tag", "expert_score"])
    os.environ.pop("COACH_PATH", None)  # the built-in library only, whoever runs it
    lib = load_library(include_user=False)
    scorer = Scorer(lib)
    answers = []
    for r in rows:
        try:
            sc = lib.scenario(r["scenario"])
        except KeyError:
            raise NotMeasured(f"the library has no scenario {r['scenario']!r}") from None
        stage = sc.stage(r["stage"])
        if stage is None:
            raise NotMeasured(f"scenario {sc.id} has no stage {r['stage']!r}")
        try:
            text = (folder / r["file"]).read_text(encoding="utf-8-sig")  # as `coach score --answer FILE` reads it
        except OSError as exc:
            raise NotMeasured(f"cannot read {r['file']}: {exc.strerror or exc}") from None
        report = scorer.score_stage(sc, stage, text)
        answers.append(
            {
                "file": r["file"],
                "stage": f"{sc.id}/{stage.id}",
                "tag": r["tag"],
                "expert": int(r["expert_score"]),
                "coach": report.score,
            }
        )
    expert = [a["expert"] for a in answers]
    coach = [a["coach"] for a in answers]

    by_stage: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in answers:
        by_stage[a["stage"]].append(a)
    stages = {}
    for name, group in by_stage.items():
        right, total, ties = pairwise([a["expert"] for a in group], [a["coach"] for a in group])
        plain_ok, below_failing = stage_checks({a["tag"]: a["coach"] for a in group})
        stages[name] = {
            "right": right,
            "pairs": total,
            "ties": ties,
            "accuracy": right / total if total else float("nan"),
            "plain_ok": plain_ok,
            "below_failing": below_failing,
        }
    right, total, ties = (sum(s[k] for s in stages.values()) for k in ("right", "pairs", "ties"))

    tags = {}
    for tag in [t for t in TAGS if any(a["tag"] == t for a in answers)] + sorted(
        {a["tag"] for a in answers} - set(TAGS)
    ):
        group = [a for a in answers if a["tag"] == tag]
        tags[tag] = {
            "n": len(group),
            "expert": sum(a["expert"] for a in group) / len(group),
            "coach": sum(a["coach"] for a in group) / len(group),
        }
    return {
        "answers": answers,
        "n": len(answers),
        "spearman": spearman(coach, expert),
        "kendall_tau_b": kendall_tau_b(coach, expert),
        "pairwise": {
            "right": right,
            "pairs": total,
            "ties": ties,
            "accuracy": right / total if total else float("nan"),
        },
        "stages": stages,
        "tags": tags,
        "plain_ok": [s for s, v in stages.items() if v["plain_ok"]],
        "plain_failing": [s for s, v in stages.items() if not v["plain_ok"]],
        "below_ok": [s for s, v in stages.items() if not v["below_failing"]],
        "below_failing": {s: v["below_failing"] for s, v in stages.items() if v["below_failing"]},
    }


def stage_checks(tagged: dict[str, float]) -> tuple[bool, list[str]]:
    """The issue's checks on one stage's scores by tag: is the plain excellent answer at or
    above the adequate one, and which of BELOW_ADEQUATE's answers are not below it."""
    adequate = tagged.get("adequate")
    if adequate is None:
        return False, ["no adequate answer"]
    plain_ok = tagged.get("excellent-plain", -1.0) >= adequate
    return plain_ok, [t for t in BELOW_ADEQUATE if t in tagged and tagged[t] >= adequate]


def print_tpm_blind(res: dict[str, Any]) -> None:
    print(f"tpm-blind: {res['n']} expert-scored answers to {len(res['stages'])} stages, scored against their stages")
    print(
        f"  Spearman {res['spearman']:.3f} (target >= {SPEARMAN_TARGET:.2f}), Kendall tau-b {res['kendall_tau_b']:.3f}"
    )
    print("  pairs within a stage with different expert scores, ordered as the expert (ties count wrong):")
    print(f"  {'stage':38} {'ordered':>9} {'ties':>5} {'accuracy':>9}")
    for name, s in res["stages"].items():
        print(f"  {name:38} {s['right']:>4}/{s['pairs']:<4} {s['ties']:>5} {s['accuracy']:9.3f}")
    p = res["pairwise"]
    print(
        f"  {'overall':38} {p['right']:>4}/{p['pairs']:<4} {p['ties']:>5} {p['accuracy']:9.3f}  (target >= {PAIRWISE_TARGET:.2f})"
    )
    print(f"  {'tag':16} {'n':>3} {'expert 0-4':>11} {'coach 0-100':>12} {'coach / 25':>11}")
    for tag, t in res["tags"].items():
        print(f"  {tag:16} {t['n']:>3} {t['expert']:11.2f} {t['coach']:12.1f} {t['coach'] / 25:11.2f}")
    n = len(res["stages"])
    print(
        f"  excellent-plain >= adequate: {len(res['plain_ok'])} of {n} stages"
        + (", failing:" if res["plain_failing"] else "")
    )
    for stage in res["plain_failing"]:
        print(f"    {stage}")
    print(
        f"  {'/'.join(BELOW_ADEQUATE)} < adequate: {len(res['below_ok'])} of {n} stages"
        + (", failing:" if res["below_failing"] else "")
    )
    for stage, tags in res["below_failing"].items():
        print(f"    {stage} ({', '.join(tags)})")


# --------------------------------------------------------------------------- mohler


def mohler(folder: Path, filename: str = "mohler_dataset_edited.csv") -> dict[str, Any]:
    rows = read_csv(folder / filename, ["id", "question", "desired_answer", "student_answer", "score_avg"])
    targets: dict[str, Target] = {}
    gold, pred = [], []
    for r in rows:
        t = targets.get(r["id"])
        if t is None:
            t = targets[r["id"]] = drafted_target(r["question"], r["desired_answer"], r["id"])
        pred.append(5 * score(t, r["student_answer"]).score / 100)
        gold.append(float(r["score_avg"]))
    rmse = math.sqrt(sum((p - g) ** 2 for p, g in zip(pred, gold, strict=True)) / len(gold))
    return {
        "n": len(rows),
        "questions": len(targets),
        "pearson": pearson(pred, gold),
        "rmse": rmse,
        "mean_gold": sum(gold) / len(gold),
        "mean_coach": sum(pred) / len(pred),
    }


def print_mohler(res: dict[str, Any]) -> None:
    print(f"Mohler 2011: {res['n']} answers, {res['questions']} questions; rubrics drafted from the reference answers")
    print(f"  {'system':40} {'Pearson r':>10} {'RMSE':>7}")
    print(
        f"  {'TPM Coach, drafted rubrics (untrained)':40} {res['pearson']:10.3f} {res['rmse']:7.3f}"
        f"  (target r >= {PEARSON_TARGET:.2f})"
    )
    for name, r, rmse in MOHLER_PUBLISHED:
        print(f"  {name:40} {r:10.3f} {rmse if rmse is not None else float('nan'):7.3f}")
    print(
        f"  mean score: graders {res['mean_gold']:.2f}/5, coach {res['mean_coach']:.2f}/5 (the coach's score is strict\n"
        "  coverage of the reference, mapped linearly; no mapping is fitted, so RMSE mostly measures that gap)"
    )


# --------------------------------------------------------------------------- semeval 2013


class ReferenceScorer:
    """Drafted targets per question (one per reference answer) and memoised scores."""

    def __init__(self) -> None:
        self.targets: dict[str, list[Target]] = {}
        self.memo: dict[tuple[str, str], tuple[float, int, int]] = {}

    def measure(self, row: dict[str, str]) -> tuple[float, int, int]:
        """(best score over the references, negated concepts in the best reference's report,
        most negated concepts in any reference's report)."""
        key = (row["question_id"], row["answer"])
        if key not in self.memo:
            targets = self.targets.get(row["question_id"])
            if targets is None:
                refs = [r for r in row["reference_answers"].split(" || ") if r.strip()]
                targets = self.targets[row["question_id"]] = [
                    drafted_target(row["question"], ref, f"{row['question_id']}-{i}") for i, ref in enumerate(refs)
                ]
            reports = [score(t, row["answer"]) for t in targets]
            negated = [negated_concepts(r) for r in reports]
            best = max(range(len(reports)), key=lambda i: reports[i].score)  # the first on a tie
            self.memo[key] = (reports[best].score, negated[best], max(negated))
        return self.memo[key]


def negated_concepts(report: ScoreReport) -> int:
    return sum(c.negated for crit in report.criteria for c in crit.concepts)


# 3-way: an answer below the "correct" threshold is "contradictory" when the scorer reports
# negated concepts, by one of these rules (chosen on training), else "incorrect".
CONTRADICTION_RULES: dict[str, Callable[[tuple[float, int, int]], bool]] = {
    "never": lambda m: False,
    "best reference has >= 1 negated concept": lambda m: m[1] >= 1,
    "best reference has >= 2 negated concepts": lambda m: m[1] >= 2,
    "any reference has >= 1 negated concept": lambda m: m[2] >= 1,
    "any reference has >= 2 negated concepts": lambda m: m[2] >= 2,
}


def label_2way(m: tuple[float, int, int], t: int) -> str:
    return "correct" if m[0] >= t else "incorrect"


def label_3way(m: tuple[float, int, int], t: int, rule: str) -> str:
    if m[0] >= t:
        return "correct"
    return "contradictory" if CONTRADICTION_RULES[rule](m) else "incorrect"


def choose_2way(measured: list[tuple[float, int, int]], gold: list[str]) -> tuple[int, float]:
    """The threshold maximising training 2-way macro-F1 (the lowest on a tie)."""
    return max(
        ((t, f1_scores(gold, [label_2way(m, t) for m in measured], LABELS["2way"])[0]) for t in THRESHOLDS),
        key=lambda tf: tf[1],
    )


def choose_3way(measured: list[tuple[float, int, int]], gold: list[str]) -> tuple[int, str, float]:
    """The threshold and contradiction rule maximising training 3-way macro-F1 (the first on a tie)."""
    best = (0, "never", -1.0)
    for rule in CONTRADICTION_RULES:
        for t in THRESHOLDS:
            f = f1_scores(gold, [label_3way(m, t, rule) for m in measured], LABELS["3way"])[0]
            if f > best[2]:
                best = (t, rule, f)
    return best


def semeval_corpus(folder: Path, corpus: str) -> dict[str, Any]:
    """Thresholds (and Beetle's contradiction rule) chosen on the corpus's training file,
    then F1 on each of its test splits."""
    train_name, tests = SEMEVAL_SPLITS[corpus]
    scorer = ReferenceScorer()
    train = read_csv(folder / f"{train_name}.csv", SEMEVAL_COLUMNS)
    measured = [scorer.measure(r) for r in train]
    three_way = all(r["label_3way"] for r in train)  # SciEntsBank's files carry 2-way labels only
    t2, f2 = choose_2way(measured, [r["label_2way"] for r in train])
    fit: dict[str, Any] = {"train": train_name, "n": len(train), "threshold_2way": t2, "train_macro_f1_2way": f2}
    if three_way:
        t3, rule, f3 = choose_3way(measured, [r["label_3way"] for r in train])
        fit.update(threshold_3way=t3, contradiction_rule=rule, train_macro_f1_3way=f3)
    splits = {}
    for name in tests:
        rows = read_csv(folder / f"{name}.csv", SEMEVAL_COLUMNS)
        ms = [scorer.measure(r) for r in rows]
        res: dict[str, Any] = {"n": len(rows)}
        macro, weighted = f1_scores([r["label_2way"] for r in rows], [label_2way(m, t2) for m in ms], LABELS["2way"])
        res["2way"] = {"macro_f1": macro, "weighted_f1": weighted}
        if three_way:
            pred = [label_3way(m, fit["threshold_3way"], fit["contradiction_rule"]) for m in ms]
            macro, weighted = f1_scores([r["label_3way"] for r in rows], pred, LABELS["3way"])
            res["3way"] = {"macro_f1": macro, "weighted_f1": weighted}
        splits[name] = res
    return {"fit": fit, "splits": splits}


def print_semeval(res: dict[str, Any]) -> None:
    print("SemEval-2013 Task 7: a rubric drafted from each reference answer; an answer scores its best")
    for corpus, c in res.items():
        fit = c["fit"]
        print(f"  {corpus}: chosen on {fit['train']} ({fit['n']} answers) only, the same for every question:")
        print(
            f"    2-way: correct if score >= {fit['threshold_2way']} "
            f"(the threshold maximising training macro-F1: {fit['train_macro_f1_2way']:.3f})"
        )
        if "threshold_3way" in fit:
            print(
                f"    3-way: correct if score >= {fit['threshold_3way']}, else contradictory if "
                f"{fit['contradiction_rule']},\n           else incorrect "
                f"(the threshold and rule maximising training macro-F1: {fit['train_macro_f1_3way']:.3f})"
            )
    print(f"  {'split':22} {'n':>5} {'2-way macro':>12} {'weighted':>9} {'3-way macro':>12} {'weighted':>9}")
    for c in res.values():
        for name, s in c["splits"].items():
            three = (
                f"{s['3way']['macro_f1']:12.3f} {s['3way']['weighted_f1']:9.3f}"
                if "3way" in s
                else f"{'-':>12} {'-':>9}"
            )
            print(f"  {name:22} {s['n']:>5} {s['2way']['macro_f1']:12.3f} {s['2way']['weighted_f1']:9.3f} {three}")
    print("  SECONDARY, unchecked: best Beetle systems (trained) per a 2013 student report (see its README):")
    for name in ("beetle_test_ua", "beetle_test_uq"):
        two, three = SEMEVAL_SECONDARY[(name, "2way")], SEMEVAL_SECONDARY[(name, "3way")]
        print(f"  {name:22} {'':>5} {two[0]:12.3f} {'n/a':>9} {three[0]:12.3f} {three[1]:9.3f}")
    print(
        "  No official baseline or SciEntsBank figures were available.\n"
        "  UA questions are the training questions; the thresholds are per corpus, not per question."
    )


# --------------------------------------------------------------------------- summary and main


def summary(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each headline figure with its target; passed is None where the issue sets no target."""
    lines: list[dict[str, Any]] = []

    def add(name: str, value: float | str, target: str, passed: bool | None) -> None:
        lines.append({"name": name, "value": value, "target": target, "passed": passed})

    tb = results.get("tpm-blind")
    if isinstance(tb, dict):
        n = len(tb["stages"])
        add(
            "tpm-blind Spearman",
            round(tb["spearman"], 3),
            f">= {SPEARMAN_TARGET:.2f}",
            tb["spearman"] >= SPEARMAN_TARGET,
        )
        p = tb["pairwise"]
        add(
            f"tpm-blind pairwise accuracy ({p['ties']} ties)",
            round(p["accuracy"], 3),
            f">= {PAIRWISE_TARGET:.2f}",
            p["accuracy"] >= PAIRWISE_TARGET,
        )
        add(
            "tpm-blind excellent-plain >= adequate",
            f"{len(tb['plain_ok'])} of {n} stages",
            f"{n} of {n}",
            len(tb["plain_ok"]) == n,
        )
        add(
            "tpm-blind wrong/stuffed/salad/ramble/echo < adequate",
            f"{len(tb['below_ok'])} of {n} stages",
            f"{n} of {n}",
            len(tb["below_ok"]) == n,
        )
    elif tb is not None:
        add("tpm-blind", f"not measured ({tb})", "", False)
    mo = results.get("mohler")
    if isinstance(mo, dict):
        add("mohler Pearson r", round(mo["pearson"], 3), f">= {PEARSON_TARGET:.2f}", mo["pearson"] >= PEARSON_TARGET)
    elif mo is not None:
        add("mohler", f"not measured ({mo})", "", False)
    se = results.get("semeval")
    if isinstance(se, dict):
        for c in se.values():
            for name, s in c["splits"].items():
                value = f"2-way {s['2way']['macro_f1']:.3f}" + (
                    f", 3-way {s['3way']['macro_f1']:.3f}" if "3way" in s else ""
                )
                sec = [SEMEVAL_SECONDARY.get((name, k)) for k in ("2way", "3way")]
                ref = (
                    ("secondary " + " / ".join(f"{x[0]:.3f}" for x in sec if x)) if any(sec) else "no figure to compare"
                )
                add(f"semeval {name} macro-F1", value, f"no target; {ref}", None)
    elif se is not None:
        add("semeval", f"not measured ({se})", "", False)
    return lines


def print_summary(lines: list[dict[str, Any]], seconds: float) -> None:
    checked = [x for x in lines if x["passed"] is not None]
    print(f"== summary: {sum(bool(x['passed']) for x in checked)} of {len(checked)} targets pass ({seconds:.0f} s)")
    for x in lines:
        verdict = {True: "PASS", False: "FAIL", None: "INFO"}[x["passed"]]
        target = f" ({'target ' if x['passed'] is not None else ''}{x['target']})" if x["target"] else ""
        print(f"{x['name']} {x['value']}{target} {verdict}")


def default_eval() -> Path:
    """../shared/eval beside the repository; from a git worktree further down (as
    /work/wt/NAME), the nearest shared/eval above it."""
    for base in REPO.parents:
        if (base / "shared" / "eval").is_dir():
            return base / "shared" / "eval"
    return REPO.parent / "shared" / "eval"


PRINTERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "tpm-blind": print_tpm_blind,
    "mohler": print_mohler,
    "semeval": print_semeval,
}
Task = tuple[str, str | None, Callable[..., dict[str, Any]], tuple[Any, ...]]


def tasks(parts: Sequence[str], folder: Path) -> list[Task]:
    """(part, corpus or None, function, arguments): SemEval runs one task per corpus, and
    the slowest come first so that two workers finish at about the same time."""
    out: list[Task] = []
    if "semeval" in parts:
        out += [("semeval", corpus, semeval_corpus, (folder / "semeval2013", corpus)) for corpus in SEMEVAL_SPLITS]
    if "mohler" in parts:
        out.append(("mohler", None, mohler, (folder / "mohler",)))
    if "tpm-blind" in parts:
        out.append(("tpm-blind", None, tpm_blind, (folder / "tpm-blind",)))
    return out


def attempt(fn: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> tuple[bool, Any, float]:
    """(measured, the result or why it was not measured, seconds)."""
    began = time.perf_counter()
    try:
        return True, fn(*args), time.perf_counter() - began
    except NotMeasured as exc:
        return False, str(exc), time.perf_counter() - began


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Agreement of the scorer with human graders on the eval sets.")
    parser.add_argument(
        "--eval",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder holding tpm-blind/, mohler/ and semeval2013/ (default: ../shared/eval)",
    )
    parser.add_argument("--only", choices=list(PRINTERS), help="run one eval set")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        metavar="N",
        help="processes to score in (default 2; 1 runs everything in this one)",
    )
    args = parser.parse_args(argv)
    folder = args.eval or default_eval()
    if not folder.is_dir():
        print(f"no eval sets at {folder}: pass --eval DIR", file=sys.stderr)
        return 2
    start = time.perf_counter()
    parts = [args.only] if args.only else list(PRINTERS)
    todo = tasks(parts, folder)
    if args.jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(min(args.jobs, len(todo))) as pool:
            outcomes = list(pool.map(attempt, [t[2] for t in todo], [t[3] for t in todo]))
    else:
        outcomes = [attempt(fn, fn_args) for _, _, fn, fn_args in todo]
    results: dict[str, Any] = {}
    timings: dict[str, float] = defaultdict(float)
    for (part, corpus, _, _), (ok, value, seconds) in zip(todo, outcomes, strict=True):
        timings[part] += seconds
        if not ok or corpus is None:
            results[part] = value  # a result, or the reason a part (or any of its corpora) was not measured
        elif isinstance(results.setdefault(part, {}), dict):
            results[part][corpus] = value
    if args.json:
        lines = summary(results)
        print(json.dumps({"eval": str(folder), "results": results, "seconds": timings, "summary": lines}, indent=2))
    else:
        for part in parts:
            if isinstance(results[part], dict):
                PRINTERS[part](results[part])
            else:
                print(f"{part}: not measured: {results[part]}")
            print(f"  ({timings[part]:.1f} s)\n")
        print_summary(summary(results), time.perf_counter() - start)
    return 0 if any(isinstance(r, dict) for r in results.values()) else 2


if __name__ == "__main__":
    sys.exit(main())
