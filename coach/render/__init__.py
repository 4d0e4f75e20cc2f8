"""Rendering: scenarios and reports as text, Markdown and HTML."""
