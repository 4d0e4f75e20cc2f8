"""Scoring answers: text, matching, signals, the engine, the report model, explanations, drafting, batch grading."""
