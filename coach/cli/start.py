"""`coach` with no command opens the app on its catalogue, and this is all it imports of the CLI: not
click, nor any command's module (see coach.cli.main), so the catalogue is drawn sooner. What the
commands share with it (errors, exit codes, the store, the app) lives here; coach.cli.common
re-exports it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.library.index import LibraryLoad
    from coach.library.loader import Library
    from coach.practice.session import Session
    from coach.practice.store import Store
    from coach.tui.app import CoachApp

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UserError(Exception):
    """A problem the user can fix; printed as `coach: message` without a traceback (exit 2)."""


def open_store(writable: bool = True) -> Store:
    """The history. A command that only reads says ``writable=False``: it then works on a
    read-only data folder too; one that writes stops there with the reason."""
    from coach.practice.store import Store, StoreError

    try:
        return Store(writable=writable)
    except StoreError as exc:
        raise UserError(str(exc)) from None


def has_terminal() -> bool:
    """Whether the full-screen app can run: on a real terminal, or with a Textual driver that needs none.

    `coach serve` (textual-serve) starts `coach` over pipes with TEXTUAL_DRIVER naming Textual's web driver,
    so a driver chosen in the environment counts, unless it is one of Textual's own terminal drivers."""
    driver = os.environ.get("TEXTUAL_DRIVER", "")
    if driver and not driver.startswith(("textual.drivers.linux_driver", "textual.drivers.windows_driver")):
        return True
    return sys.stdout.isatty() and sys.stdin.isatty()


def require_terminal() -> None:
    if not has_terminal():
        raise UserError("this command opens the full-screen app and needs a terminal")


def run_app(lib: Library | LibraryLoad, store: Store, session: Session | None) -> int:
    """The practice app, on the catalogue or on `session`."""
    if not has_terminal():
        raise UserError("the full-screen app needs a terminal; use `coach practice ID --plain` in pipes and scripts")
    from coach.tui.app import make_app

    return run_made_app(make_app(lib, store, session=session))


def run_made_app(app: CoachApp) -> int:
    """Run the app; if its last save failed, say where the session was kept, now the screen is gone."""
    app.run()
    if app.unsaved is not None:
        print(f"coach: {app.unsaved.message(leaving=True)}", file=sys.stderr)
    return app.return_code or 0


def catalogue_sources() -> tuple[LibraryLoad, Store]:
    """What `coach` opens the app on: the library, whose catalogue is drawn from its index while the
    library itself loads (coach/library/index.py), and the history, browsed even when read-only.
    benchmarks/startup.py times the app made of these."""
    from coach.library.index import LibraryLoad

    return LibraryLoad(), open_store(writable=False)


def open_catalogue() -> int:
    """`coach` with no command: the app, on the catalogue."""
    return run_app(*catalogue_sources(), None)
