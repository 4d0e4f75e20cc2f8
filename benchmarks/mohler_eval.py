"""Agreement with human graders on the Mohler et al. (2011) short-answer data.

Kept for the old command; the measurement lives in benchmarks/agreement.py:

    python benchmarks/mohler_eval.py [path/to/mohler_dataset_edited.csv]
    # the same as: python benchmarks/agreement.py --only mohler
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import agreement  # noqa: E402 - after the path that finds it


def main(argv: list[str]) -> int:
    if not argv:
        return agreement.main(["--only", "mohler"])
    try:
        agreement.print_mohler(agreement.mohler(Path(argv[0]).parent, Path(argv[0]).name))
    except agreement.NotMeasured as exc:
        print(f"mohler: not measured: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
