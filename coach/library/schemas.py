"""JSON Schemas of the library's file formats, generated from the pydantic models (the
single source of truth). The score report's schema is made where the report lives
(coach.scoring.report.schema_for, which also refreshes docs/schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from coach.library.formats import KINDS, Strict

TITLES = {
    "scenario": "TPM Coach scenario",
    "rubric": "TPM Coach rubric",
    "ladder": "TPM Coach career ladder",
    "lexicon": "TPM Coach lexicon (synonym groups)",
}


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """A model's JSON Schema (draft 2020-12) under ``title``."""
    _build_deferred(Strict)
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def _build_deferred(base: type[BaseModel]) -> None:
    """Build every format model whose build was deferred. A schema encodes default values such as
    ``Mentor()``; pydantic before 2.14 encodes them with the model's serializer without building it
    first, and fails on the placeholder a deferred model holds until then."""
    for model in base.__subclasses__():
        if not model.__pydantic_complete__:
            model.model_rebuild(force=True)
        _build_deferred(model)


def schema_for(kind: str) -> dict[str, Any]:
    """The schema of a library file: scenario, rubric, ladder or lexicon."""
    return json_schema(KINDS[kind], TITLES[kind])
