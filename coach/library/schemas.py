"""JSON Schemas generated from the pydantic models (the single source of truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.library.formats import KINDS

TITLES = {
    "scenario": "TPM Coach scenario",
    "rubric": "TPM Coach rubric",
    "ladder": "TPM Coach career ladder",
    "report": "TPM Coach score report",
}


def schema_for(kind: str) -> dict[str, Any]:
    if kind == "report":
        from coach.scoring.report import ScoreReport

        model: Any = ScoreReport
    else:
        model = KINDS[kind]
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = TITLES[kind]
    return schema


def write_all(folder: Path) -> None:
    """Refresh the committed copies in docs/schema (editors point `#:schema` at them)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    for kind in TITLES:
        (folder / f"{kind}.schema.json").write_text(json.dumps(schema_for(kind), indent=2) + "\n")


if __name__ == "__main__":


    write_all(Path(__file__).resolve().parent.parent / "docs" / "schema")
