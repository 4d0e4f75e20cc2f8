"""benchmarks/agreement.py: its metrics on tiny made-up data, and its command line."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "agreement.py"


def _load_script(script: Path = SCRIPT):  # type: ignore[no-untyped-def]
    saved = sys.path[:]  # the script puts the repository first on sys.path; keep the tests' own
    try:
        spec = importlib.util.spec_from_file_location(script.stem, script)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path[:] = saved


agreement = _load_script()


def test_spearman_and_kendall_handle_ties() -> None:
    xs, ys = [1, 2, 2, 3], [1, 3, 2, 4]
    assert agreement.ranks(xs) == [1, 2.5, 2.5, 4]
    # Pearson on average ranks: 4.5 / sqrt(4.5 * 5)
    assert agreement.spearman(xs, ys) == pytest.approx(3 / 10**0.5)
    # 5 concordant, 0 discordant, one pair tied in x only: 5 / sqrt(6 * 5)
    assert agreement.kendall_tau_b(xs, ys) == pytest.approx(5 / 30**0.5)
    assert agreement.kendall_tau_b([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    assert agreement.spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1)


def test_pairwise_accuracy_counts_the_scorers_ties_as_wrong() -> None:
    gold = [0, 1, 2, 2]
    pred = [10, 5, 5, 20]
    # pairs with different gold: (0,1) wrong, (0,2) wrong, (0,3) right, (1,2) tied, (1,3) right
    assert agreement.pairwise(gold, pred) == (2, 5, 1)


def test_macro_and_weighted_f1() -> None:
    gold = ["correct", "correct", "correct", "incorrect", "incorrect"]
    pred = ["correct", "correct", "incorrect", "incorrect", "correct"]
    macro, weighted = agreement.f1_scores(gold, pred, ("correct", "incorrect"))
    assert macro == pytest.approx((4 / 6 + 2 / 4) / 2)
    assert weighted == pytest.approx((4 / 6 * 3 + 2 / 4 * 2) / 5)
    # a label never predicted scores 0 and still counts in the macro mean
    macro, _ = agreement.f1_scores(
        ["correct", "contradictory", "incorrect"],
        ["correct", "incorrect", "incorrect"],
        ("correct", "contradictory", "incorrect"),
    )
    assert macro == pytest.approx((1 + 0 + 2 / 3) / 3)


def test_thresholds_are_the_lowest_that_maximise_training_macro_f1() -> None:
    # (score, negated concepts in the best reference's report, most in any reference's)
    measured = [(10.0, 1, 1), (20.0, 0, 0), (60.0, 0, 0), (80.0, 0, 0)]
    assert agreement.choose_2way(measured, ["incorrect", "incorrect", "correct", "correct"]) == (21, 1.0)
    threshold, rule, f1 = agreement.choose_3way(measured, ["contradictory", "incorrect", "correct", "correct"])
    assert (threshold, f1) == (21, 1.0)
    assert rule == "best reference has >= 1 negated concept"  # the first rule that separates them


def test_without_the_projects_dependencies_it_says_how_to_run_it() -> None:
    # -S: no site-packages, as a bare python3 without the project installed; -E: ignore PYTHONPATH
    run = subprocess.run(
        [sys.executable, "-S", "-E", str(SCRIPT)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "pip install -e ." in run.stderr and "python benchmarks/agreement.py" in run.stderr


EVAL = agreement.default_eval()


@pytest.mark.skipif(not (EVAL / "tpm-blind" / "labels.csv").exists(), reason=f"no tpm-blind eval set at {EVAL}")
def test_tpm_blind_part_runs_and_ends_with_a_short_summary() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--only", "tpm-blind", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    res = json.loads(run.stdout)["results"]["tpm-blind"]
    assert res["n"] == len(res["answers"]) == 80
    assert all(0 <= a["coach"] <= 100 for a in res["answers"])
    assert -1 <= res["spearman"] <= 1 and -1 <= res["kendall_tau_b"] <= 1
    assert res["pairwise"]["pairs"] == sum(s["pairs"] for s in res["stages"].values())
    assert len(res["plain_ok"]) + len(res["plain_failing"]) == len(res["stages"]) == 10

    text = subprocess.run(
        [sys.executable, str(SCRIPT), "--only", "tpm-blind"], capture_output=True, text=True, cwd=ROOT, timeout=300
    ).stdout.splitlines()
    tail = text[next(i for i, line in enumerate(text) if line.startswith("== summary")) :]
    assert len(tail) <= 14
    assert [line.split(" (target")[0].rsplit(" ", 1)[0] for line in tail[1:3]] == [
        "tpm-blind Spearman",
        f"tpm-blind pairwise accuracy ({res['pairwise']['ties']} ties)",
    ]
    assert all(line.endswith(("PASS", "FAIL")) and "(target >= 0." in line for line in tail[1:3])


# --------------------------------------------------------------------------- history and start-up (issue 15)


def run_benchmark(name: str, *args: str) -> dict:  # type: ignore[type-arg]
    """Run benchmarks/NAME.py with ARGS and --json; the figures it printed."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    figures: dict = json.loads(run.stdout)  # type: ignore[type-arg]
    return figures


@pytest.mark.serial
def test_history_benchmark_measures_every_figure_on_tiny_histories() -> None:
    figures = run_benchmark("history", "--sizes", "2,3", "--repeat", "1")
    assert [r["size"] for r in figures["results"]] == [2, 3]
    for r in figures["results"]:
        assert min(r["next_s"], r["progress_s"], r["history_screen_s"], r["export_mb"], r["import_per_s"]) > 0
    assert set(figures["ratios"]) == {"next_s", "progress_s", "history_screen_s"}
    assert set(figures["pass"]) == {
        "next_s ratio",
        "progress_s ratio",
        "history_screen_s ratio",
        "export memory",
        "import rate",
    }


def test_history_benchmark_measures_the_exports_own_peak_memory_not_the_benchmarks(tmp_path: Path) -> None:
    history = _load_script(ROOT / "benchmarks" / "history.py")
    ballast = b"x" * (400 * 2**20)  # this process as large as a benchmark that built big histories
    del ballast
    export = tmp_path / "export.jsonl"
    # an empty history's export peaks far below 400 MB (about 60), reported as the export's own
    assert history.peak_memory_kb(tmp_path / "home", "export", "-o", str(export)) < 200 * 1024
    assert export.exists()


@pytest.mark.serial
def test_startup_benchmark_compares_the_catalogue_with_an_empty_app() -> None:
    figures = run_benchmark("startup", "--runs", "1")
    assert figures["empty_app_s"] > 0 and figures["coach_catalogue_s"] > 0
    assert figures["ratio"] == pytest.approx(figures["coach_catalogue_s"] / figures["empty_app_s"])
