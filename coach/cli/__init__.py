"""The `coach` command: it parses arguments and presents the layers below; it holds no domain logic."""

from coach.cli.commands import main

__all__ = ["main"]
