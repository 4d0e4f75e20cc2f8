"""`coach serve` end to end: a real server process, a real headless Chromium, the coach's screen read from the page;
and over loopback with aiohttp's client, who may come in (Host, Origin, token) and how many sessions may run.

The browser test needs a Chromium (Debian: `apt-get install chromium`); without one it skips with the reason.
Playwright drives it through `executable_path`: Playwright's own browser downloads are never used."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import aiohttp
import pytest
import tomllib
from playwright.sync_api import expect, sync_playwright
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from tests.conftest import DATA

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


async def test_the_served_coach_keeps_the_answer_typed_when_its_tab_closes_or_the_server_stops(library, isolated_home):
    """textual-serve sends the app "quit" when its tab closes or `coach serve` stops, and Textual's web driver turns
    that into ExitApp: the words typed since the last pause are saved as the draft, not lost."""
    from textual.messages import ExitApp

    from coach.practice.store import Store
    from coach.tui.app import make_app
    from tests.tui.helpers import FixedClock
    from tests.tui.test_tui import SIZE, start_interview

    store = Store()
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        await pilot.press(*"words typed just now")
        session_id = app.session.state.id
        app.post_message(ExitApp())  # what the web driver does on "quit"
    assert store.draft(session_id) == ("strategy", "words typed just now")


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


class Served:
    """A running `coach serve`: its process, the address it printed (token included) and its output, line by line."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_for(r"open (http://127\.0\.0\.1:(\d+))/\?token=([\w-]+)")  # printed once it listens
        self.base, self.port, self.token = found[1], int(found[2]), found[3]
        self.url = f"{self.base}/?token={self.token}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.lines.append("")  # the end of the output
            self._changed.notify_all()

    def count(self, pattern: str) -> int:
        with self._changed:
            return sum(bool(re.search(pattern, line)) for line in self.lines)

    def wait_for(self, pattern: str, times: int = 1) -> re.Match[str]:
        """The `times`-th line of output matching `pattern`, waiting for it (the output is the server's events)."""

        def found() -> list[re.Match[str]] | None:
            matches = [m for m in map(re.compile(pattern).search, self.lines) if m]
            assert self.lines[-1:] != [""] or len(matches) >= times, f"coach serve ended:\n{self.log}"
            return matches if len(matches) >= times else None

        with self._changed:
            matches = self._changed.wait_for(found, timeout=WAIT_MS / 1000)
        assert matches, f"no line matching {pattern!r} (x{times}):\n{self.log}"
        return matches[times - 1]

    @property
    def log(self) -> str:
        with self._changed:
            return "".join(self.lines)

    def app_processes(self) -> dict[int, str]:
        """The served coach processes running now (the server's own process group, minus the server and shells)."""
        members = _living_group_members(self.proc.pid)
        return {pid: cmd for pid, cmd in members.items() if pid != self.proc.pid and cmd.startswith(sys.executable)}


@pytest.fixture
def serve(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Start `coach serve ARGS...` on a free port, in its own process group; whatever happens, nothing is left running."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Served:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coach", "serve", "--port", str(_free_port()), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COACH_HOME": str(tmp_path / "home")},
            start_new_session=True,
        )
        started.append(proc)
        return Served(proc)

    yield start
    for proc in started:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


@pytest.fixture
def served(serve):  # type: ignore[no-untyped-def]
    return serve()


def _screen_reader_page_script(served: Served) -> str:
    """textual-serve's page script with xterm.js's screen-reader mode switched on.

    The page draws the terminal on a canvas, so its text is not in the DOM; in screen-reader mode xterm.js also keeps
    every terminal row as text in `.xterm-accessibility-tree`, which the test reads. Nothing else changes."""
    with urllib.request.urlopen(f"{served.base}/static/js/textual.js?token={served.token}", timeout=30) as response:
        script = response.read().decode("utf-8")
    script, count = re.subn(r"(new \w+\.Terminal\(\{)", r"\1screenReaderMode:!0,", script)
    assert count == 1, "textual-serve's page script changed: cannot find where it creates its xterm.js Terminal"
    return script


def test_served_coach_starts_in_a_browser_and_answers_keys(chromium, served, library):
    proc = served.proc
    script = _screen_reader_page_script(served)
    titles = [entry.item.title for entry in library.scenarios.values()]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})  # tall enough for the whole library
            page.route(
                re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort()
            )  # its web font: stay offline
            page.route(
                "**/static/js/textual.js",
                lambda route: route.fulfill(body=script, content_type="application/javascript"),
            )
            page.goto(served.url)  # the address `coach serve` printed, token included
            screen = page.locator(".xterm-accessibility-tree")

            # The app started (no splash page, no "needs a terminal") and shows the catalogue.
            for title in titles:  # long titles are cut at the column's edge
                expect(screen).to_contain_text(title[:30], timeout=WAIT_MS, use_inner_text=True)
            expect(screen).to_contain_text("Enter: read the briefing", use_inner_text=True)
            assert served.app_processes(), "the served coach runs as a child of the server"

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
    # The server closed the page's websocket and waited for the app to quit before it exited.
    assert proc.returncode == 0
    assert not (left := _living_group_members(proc.pid)), f"coach processes left after the server stopped: {left}"


# --------------------------------------------------------------------------- who may come in (issue 13)

# A websocket handshake by hand, so that a refusal's status and text can be read.
UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": base64.b64encode(b"coach-serve-test").decode(),
}


HOSTILE_REQUESTS = tomllib.loads((DATA / "hostile" / "serve-requests.toml").read_text(encoding="utf-8"))["request"]


@pytest.mark.serial
async def test_hostile_requests_are_refused_and_start_no_app(serve):
    served = serve()
    refused = []
    async with aiohttp.ClientSession() as client:
        for request in HOSTILE_REQUESTS:
            target = request["target"].format(token=served.token, port=served.port)
            headers = {
                name: value.format(token=served.token, port=served.port)
                for name, value in request.get("headers", {}).items()
            }
            upgrade = UPGRADE if target.startswith("/ws") else {}
            async with client.get(served.base + target, headers=upgrade | headers) as response:
                body = await response.text()
                if response.status != 403 or request["refusal"] not in body or len(body) > 200:
                    refused.append(f"{request['what']}: {response.status} {body[:200]!r}")
    assert not refused, "let in or refused badly:\n" + "\n".join(refused)
    served.wait_for("refused a request", times=len(HOSTILE_REQUESTS))  # each logged, in order
    assert served.count("session .* started") == 0 and not served.app_processes()
    assert served.token not in served.log.partition("\n")[2]  # printed once, at the start; never logged


@pytest.mark.serial
async def test_the_printed_address_opens_the_page_and_its_cookie_opens_the_websocket(serve):
    """What a browser does: the page with the printed token, then its websocket with only the page's cookie."""
    served = serve()
    async with aiohttp.ClientSession() as client:
        async with client.get(f"http://localhost:{served.port}/?token={served.token}") as response:  # an alias
            assert response.status == 200
            page = await response.text()
            cookie = response.headers["Set-Cookie"]
        assert f'data-session-websocket-url="ws://localhost:{served.port}/ws"' in page  # the host the browser used
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie  # no script reads it; no other site sends it
        websocket = await client.ws_connect(
            f"http://localhost:{served.port}/ws", origin=f"http://localhost:{served.port}"
        )
        async with websocket:
            message = await websocket.receive(timeout=WAIT_MS / 1000)
            assert message.type == aiohttp.WSMsgType.BINARY  # the app draws
    served.wait_for("session 1 started")


@pytest.mark.serial
async def test_static_files_are_served_but_never_listed(serve):
    served = serve()
    async with aiohttp.ClientSession() as client:
        for folder in ("/static/", "/static/js/", "/static/js"):
            async with client.get(f"{served.base}{folder}?token={served.token}") as response:
                assert response.status in (403, 404) and "textual.js" not in await response.text(), folder
        async with client.get(f"{served.base}/static/js/textual.js?token={served.token}") as response:
            assert response.status == 200


async def _open_session(client: aiohttp.ClientSession, served: Served) -> aiohttp.ClientWebSocketResponse:
    """A browser session: its websocket, once the app in it has drawn."""
    websocket = await client.ws_connect(f"{served.base}/ws?token={served.token}")
    message = await websocket.receive(timeout=WAIT_MS / 1000)
    assert message.type == aiohttp.WSMsgType.BINARY, message
    return websocket


@pytest.mark.serial
async def test_at_most_max_sessions_apps_run_and_more_are_refused_with_a_reason(serve):
    served = serve("--max-sessions", "2")
    async with aiohttp.ClientSession() as client:
        first, second = [await _open_session(client, served) for _ in range(2)]
        assert len(served.app_processes()) == 2

        async def one_more() -> tuple[aiohttp.ClientWebSocketResponse, aiohttp.WSMessage]:
            websocket = await client.ws_connect(f"{served.base}/ws?token={served.token}")
            return websocket, await websocket.receive(timeout=WAIT_MS / 1000)

        # Three more tabs at once: each is told why on its screen, none starts an app.
        refused = await asyncio.gather(*[one_more() for _ in range(3)])
        for _websocket, message in refused:
            assert message.type == aiohttp.WSMsgType.BINARY
            assert b"already open in 2 browser tab(s)" in message.data and b"--max-sessions" in message.data
        served.wait_for("refused a session", times=3)
        assert served.count("session .* started") == 2 and len(served.app_processes()) == 2
        for websocket, _message in refused:
            await websocket.close()

        # A session that ends gives its place to the next one.
        await first.close()
        served.wait_for("a session ended")
        third = await _open_session(client, served)
        assert served.count("session .* started") == 3 and len(served.app_processes()) == 2
        await second.close()
        await third.close()


@pytest.mark.serial
async def test_stopping_the_server_closes_its_sessions_and_their_apps(serve):
    """ctrl+c with a browser connected: the server closes the websocket itself (it used to wait ~20 s for it)."""
    served = serve()
    async with aiohttp.ClientSession() as client:
        websocket = await _open_session(client, served)
        served.proc.send_signal(signal.SIGINT)
        while (message := await websocket.receive(timeout=WAIT_MS / 1000)).type == aiohttp.WSMsgType.BINARY:
            pass  # the app's last frames
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == aiohttp.WSCloseCode.GOING_AWAY
        assert message.extra == "coach serve stopped"
    assert await asyncio.to_thread(served.proc.wait, WAIT_MS / 1000) == 0
    assert not served.app_processes()


def test_max_sessions_must_be_positive(capsys):
    from coach.cli import main

    assert main(["serve", "--max-sessions", "0"]) == 2  # a usage error: no server starts
    assert "Invalid value for '--max-sessions': 0 is not in the range x>=1" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_serving_locally_needs_no_warning(host, capsys):
    from coach.cli.serving import warn_if_public

    warn_if_public(host)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "my-laptop.example"])
def test_serving_to_the_network_warns(host, capsys):
    from coach.cli.serving import warn_if_public

    warn_if_public(host)
    err = capsys.readouterr().err
    assert err.startswith(f"warning: serving on {host}: anyone who can reach it") and "SSH tunnel" in err
