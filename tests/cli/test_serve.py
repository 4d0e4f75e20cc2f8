"""`coach serve` end to end: a real server process, a real headless Chromium, the coach's screen read from the page.

These tests need a Chromium (Debian: `apt-get install chromium`); without one they skip with the reason.
Playwright drives it through `executable_path`: Playwright's own browser downloads are never used."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

# Without the background-networking flags Chromium keeps trying to reach the internet, which a closed network refuses.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 60_000  # generous: the served app starts a fresh Python process on a possibly loaded machine


def find_chromium() -> str | None:
    """The one place that looks for a browser: $COACH_TEST_CHROMIUM, else a Chromium or Chrome on PATH."""
    if os.environ.get("COACH_TEST_CHROMIUM"):
        return os.environ["COACH_TEST_CHROMIUM"]
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for path in map(shutil.which, names) if path), None)


@pytest.fixture
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(
            "no Chromium found for the browser tests: install Debian's `chromium` "
            "(or set COACH_TEST_CHROMIUM to a Chromium/Chrome binary)"
        )
    return path


async def test_the_coach_starts_as_textual_serve_starts_it(library):
    """Through textual-serve's own process runner (pipes, its web driver), without a browser: the catalogue is drawn."""
    drawn, catalogue_drawn, closed = bytearray(), asyncio.Event(), asyncio.Event()
    titles = [entry.item.title[:30].encode() for entry in library.scenarios.values()]

    async def write_bytes(data: bytes) -> None:
        drawn.extend(data)
        if all(title in drawn for title in titles):
            catalogue_drawn.set()

    async def write_str(_text: str) -> None:
        pass

    async def close() -> None:  # the app told the server it exited
        closed.set()

    service = AppService(
        f"{sys.executable} -m coach",
        write_bytes=write_bytes,
        write_str=write_str,
        close=close,
        download_manager=DownloadManager(),
    )
    await service.start(width=160, height=50)
    try:
        await asyncio.wait_for(catalogue_drawn.wait(), timeout=WAIT_MS / 1000)
    finally:
        await service.stop()  # sends the app "quit" and reads its output to the end
        service.stdin.close()  # textual-serve leaves the pipe open and the process unreaped: finish both here
        exit_code = await service._process.wait()
    assert closed.is_set() and exit_code == 0  # the app told the server it quit, and ended cleanly


@pytest.mark.parametrize("argv", [[], ["practice", "upmarket-pricing"], ["mentor", "upmarket-pricing"]])
@pytest.mark.parametrize("driver", [None, "textual.drivers.linux_driver:LinuxDriver"])
def test_the_app_still_refuses_a_pipe_with_a_clear_error(argv, driver):
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"} | (
        {"TEXTUAL_DRIVER": driver} if driver else {}
    )
    proc = subprocess.run(
        [sys.executable, "-m", "coach", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("coach: ") and "needs a terminal" in proc.stderr and "Traceback" not in proc.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _living_group_members(pgid: int) -> dict[int, str]:
    """Processes (pid: command line) in a process group that have not exited (zombies count as exited)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces; the fields after it are plain.
            state, _ppid, group = stat.read_text().rpartition(")")[2].split()[:3]
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended while we looked
            continue
        if int(group) == pgid and state != "Z":
            found[int(stat.parent.name)] = cmdline.strip()
    return found


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`coach serve` on a free port, in its own process group; yields (process, url, log file)."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coach", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COACH_HOME": str(tmp_path / "home")},
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:  # until the port accepts connections
            assert proc.poll() is None, f"coach serve exited early:\n{log.read_text()}"
            try:
                socket.create_connection(("localhost", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"coach serve never listened on {port}:\n{log.read_text()}"
                time.sleep(0.05)
        yield proc, f"http://localhost:{port}", log  # the address the page itself uses
    finally:
        try:  # whatever the test did, leave nothing running
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _screen_reader_page_script(url: str) -> str:
    """textual-serve's page script with xterm.js's screen-reader mode switched on.

    The page draws the terminal on a canvas, so its text is not in the DOM; in screen-reader mode xterm.js also keeps
    every terminal row as text in `.xterm-accessibility-tree`, which the test reads. Nothing else changes."""
    with urllib.request.urlopen(f"{url}/static/js/textual.js", timeout=30) as response:
        script = response.read().decode("utf-8")
    script, count = re.subn(r"(new \w+\.Terminal\(\{)", r"\1screenReaderMode:!0,", script)
    assert count == 1, "textual-serve's page script changed: cannot find where it creates its xterm.js Terminal"
    return script


def test_served_coach_starts_in_a_browser_and_answers_keys(chromium, served, library):
    proc, url, log = served
    script = _screen_reader_page_script(url)
    titles = [entry.item.title for entry in library.scenarios.values()]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})  # tall enough for the whole library
            page.route(
                re.compile(r"^https?://(?!localhost[:/])"), lambda route: route.abort()
            )  # its web font: stay offline
            page.route(
                "**/static/js/textual.js",
                lambda route: route.fulfill(body=script, content_type="application/javascript"),
            )
            page.goto(url)
            screen = page.locator(".xterm-accessibility-tree")

            # The app started (no splash page, no "needs a terminal") and shows the catalogue.
            for title in titles:  # long titles are cut at the column's edge
                expect(screen).to_contain_text(title[:30], timeout=WAIT_MS, use_inner_text=True)
            expect(screen).to_contain_text("Enter: read the briefing", use_inner_text=True)
            app_pids = set(_living_group_members(proc.pid)) - {proc.pid}
            assert app_pids, "the served coach runs as a child of the server"

            # A key typed into the page reaches the app: Enter opens the highlighted scenario's briefing.
            page.locator(".xterm-helper-textarea").focus()
            page.keyboard.press("Enter")
            expect(screen).to_contain_text("What will be assessed", timeout=WAIT_MS, use_inner_text=True)
            expect(screen).to_contain_text("Start interview", use_inner_text=True)
            expect(screen).not_to_contain_text("Enter: read the briefing", use_inner_text=True)

            # Ctrl+C on the server, with the browser still connected, ends the served coach too.
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=WAIT_MS / 1000)
        finally:
            browser.close()
    deadline = time.monotonic() + 30
    while (left := _living_group_members(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"coach processes left after the server stopped: {left}\n{log.read_text()}"
