"""`coach serve`: textual-serve's server with a lock on the door.

textual-serve 1.1 answers any Host and any Origin, asks for no password, starts one app process per websocket with no
limit and lists `/static/`: any web page the user visits could open the coach in the background and read their
history. CoachServer keeps textual-serve's page, page script and process runner (AppService) and adds:

- a Host and Origin check on every request (a DNS-rebinding or cross-site page gets 403 before any process starts);
- a secret token per run, printed with the address (`?token=...`, as Jupyter does) and kept in a cookie by the page,
  so the page's own websocket, scripts and downloads carry it;
- at most `max_sessions` app processes at a time; one more is refused with a message, never started;
- no directory listings, and on shutdown every websocket is closed so the apps quit at once.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import socket
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("coach.serve")

WAIT_FOR_A_SLOT_S = 5.0  # a reloaded page ends its old session as the new one starts: give that one time to quit
STOP_S = 10.0  # how long an app may take to quit before its process is killed

NOT_THIS_ADDRESS = "Forbidden: this server answers only at the address `coach serve` printed.\n"
OTHER_SITE = "Forbidden: other web sites cannot use this server.\n"
NO_TOKEN = "Forbidden: open the address `coach serve` printed, with its ?token=...\n"
TOO_MANY = (
    "The coach is already open in {n} browser tab(s), the most this server allows (coach serve --max-sessions).\n"
    "Close one, then reload this page.\n"
)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:  # a name, not an address
        return None


def is_loopback(host: str) -> bool:
    """Whether `host` (a --host value) is only reachable from this machine."""
    address = _address(host)
    return host.lower() == "localhost" or (address is not None and address.is_loopback)


def is_wildcard(host: str) -> bool:
    """Whether `host` means every address of this machine (0.0.0.0, ::)."""
    address = _address(host)
    return host == "" or (address is not None and address.is_unspecified)


def url_host(host: str) -> str:
    """`host` as it is written in a URL (IPv6 addresses in brackets), lowercased as browsers send it."""
    host = host.lower().strip("[]")
    return f"[{host}]" if ":" in host else host


class CoachServer(Server):
    """textual-serve's Server with Host/Origin checks, a token, a session limit, no listings and a prompt shutdown."""

    def __init__(self, command: str, *, host: str, port: int, max_sessions: int, title: str = "TPM Coach") -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = secrets.token_urlsafe(32)
        self.max_sessions = max_sessions
        self.sessions_started = 0  # app processes started in this run (the server log says each one)
        self._slots = asyncio.Semaphore(max_sessions)
        self._websockets: set[web.WebSocketResponse] = set()
        # The names this server is reached by, besides the address a request arrives at (see _served_authorities).
        machine = {name for name in (socket.gethostname(), socket.getfqdn()) if not is_loopback(name)}
        self._names = machine if is_wildcard(host) else {host}

    @property
    def url(self) -> str:
        """The address to open, token included: the loopback address when serving locally or on every address."""
        where = "127.0.0.1" if is_wildcard(self.host) or self.host.lower() == "localhost" else url_host(self.host)
        return f"http://{where}:{self.port}/?token={self.token}"

    # ----------------------------------------------------------------------------------------- the aiohttp app

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.page, name="index"),
                web.get("/ws", self.websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    def serve(self, debug: bool = False) -> None:
        """Serve until ctrl+c or SIGTERM; the address with its token is printed once the port is open."""
        self.debug = debug
        logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, format="coach serve: %(message)s")
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            access_log=None,  # each line would carry the token and whatever a client put in its headers
            print=lambda _message: print(f"Serving the coach: open {self.url}\n(ctrl+c to stop)", flush=True),
        )

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every websocket: each handler then stops its app, instead of the server waiting for browsers."""
        for websocket in list(self._websockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"coach serve stopped")

    # ----------------------------------------------------------------------------------------- who may come in

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Every request, before its handler: the served address, no other site, the token."""
        served = self._served_authorities(request)
        if request.headers.get("Host", "").lower() not in served:
            return self._refuse(request, NOT_THIS_ADDRESS, "an address that is not the one served")
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in {f"http://{authority}" for authority in served}:
            return self._refuse(request, OTHER_SITE, "another web site (Origin)")
        presented = [request.query.get("token"), request.cookies.get(self._cookie_name(request))]
        if not any(value and secrets.compare_digest(value.encode(), self.token.encode()) for value in presented):
            return self._refuse(request, NO_TOKEN, "no token or a wrong one")
        return await handler(request)

    def _served_authorities(self, request: web.Request) -> set[str]:
        """The Host values that name this server: the address it was given (this machine's names when it was given
        every address), the address the request arrived at, and localhost, 127.0.0.1 and [::1] when that is a
        loopback address; each with the port."""
        local = self._local_end(request)
        if local is None:
            return set()
        address, port = local
        names = self._names | {str(address)} | ({"localhost", "127.0.0.1", "::1"} if address.is_loopback else set())
        authorities = {f"{url_host(name)}:{port}" for name in names}
        return authorities | ({url_host(name) for name in names} if port == 80 else set())

    def _local_end(self, request: web.Request) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int] | None:
        """The address and port a request arrived at (an IPv4 address even on a dual-stack socket)."""
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        if not sockname:
            return None
        address = ipaddress.ip_address(sockname[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return address, sockname[1]

    def _cookie_name(self, request: web.Request) -> str:
        """Cookies are shared by every port of a host: the port in the name keeps two servers apart."""
        local = self._local_end(request)
        return f"coach-serve-{local[1] if local else self.port}"

    def _refuse(self, request: web.Request, text: str, why: str) -> web.Response:
        log.warning("refused a request from %s: %s", request.remote, why)  # never the request's own text
        return web.Response(status=403, text=text)

    async def _wait_for_a_slot(self) -> bool:
        """Take a session slot, waiting a little for one to free; False when all stay taken."""
        try:
            await asyncio.wait_for(self._slots.acquire(), WAIT_FOR_A_SLOT_S)
        except asyncio.TimeoutError:
            return False
        return True

    # ----------------------------------------------------------------------------------------- the routes

    async def page(self, request: web.Request) -> web.StreamResponse:
        """textual-serve's page, its websocket and static addresses on the host the browser used (so the token
        cookie goes with them), and the cookie set."""
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"ws://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.set_cookie(self._cookie_name(request), self.token, httponly=True, samesite="Strict", path="/")
        return response

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One app process per websocket, at most max_sessions at a time. One websocket more gets the reason written
        on its page's terminal, and no process; the page shows it until it is closed or reloaded."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self._websockets.add(websocket)
        try:
            if await self._wait_for_a_slot():
                try:
                    await self._run_app(request, websocket)
                finally:
                    self._slots.release()
            else:
                log.warning(
                    "refused a session from %s: %d already open (--max-sessions)", request.remote, self.max_sessions
                )
                await websocket.send_bytes(TOO_MANY.format(n=self.max_sessions).replace("\n", "\r\n").encode())
                async for _message in websocket:  # what the page types goes nowhere
                    pass
        finally:
            self._websockets.discard(websocket)
            await websocket.close()
        return websocket

    async def _run_app(self, request: web.Request, websocket: web.WebSocketResponse) -> None:
        """textual-serve's websocket handler: the app in a process, its screen to the page, the page's keys to it;
        the process is gone when this returns."""

        async def close() -> None:  # the app exited
            await websocket.close()

        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self.sessions_started += 1
        log.info("session %d started for %s", self.sessions_started, request.remote)
        try:
            await service.start(
                to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
            )
            await self._process_messages(websocket, service)
        except Exception as error:  # a broken pipe or a malformed message: end this session, keep serving
            log.error("a session ended with an error: %s", error)
        finally:
            await self._end(service)

    async def _end(self, service: AppService) -> None:
        """Stop an app and reap its process. textual-serve asks the app to quit and reads its output to the end, but
        waits for no process and kills none that hangs."""
        try:
            await asyncio.wait_for(service.stop(), STOP_S)
        except Exception:  # the app hung, or its pipe is already broken: the process is dealt with below
            pass
        process = service._process
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_S)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
        log.info("a session ended")


def warn_if_public(host: str) -> None:
    """Say so when the server can be reached from other machines."""
    if is_loopback(host):
        return
    print(
        f"warning: serving on {host}: anyone who can reach it and has the token can use the coach and read "
        "your history; an SSH tunnel to localhost is safer (see README)",
        file=sys.stderr,
    )
    if is_wildcard(host):
        print("From another machine, open the address below with this machine's name or address.", file=sys.stderr)
