"""Kept so tests outside tests/tui/ still import the helpers from here; they live in tests/tui/helpers.py."""

from tests.tui.helpers import FixedClock, screen_text, settle

__all__ = ["FixedClock", "screen_text", "settle"]
