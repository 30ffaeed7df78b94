"""A fake Telegram Bot API on 127.0.0.1: a real HTTP server in a thread, so python-telegram-bot's own
client (httpx) talks to it exactly as it would to api.telegram.org.

    with FakeTelegramAPI(token="123:abc") as api:
        settings.TELEGRAM_API_BASE_URL = api.base_url
        settings.TELEGRAM_FILE_BASE_URL = api.file_base_url
        api.add_file("photos/face.jpg", jpeg_bytes)   # returns the file_id for a getFile
        ...
        api.calls_to("sendMessage")                   # [{"chat_id": "42", "text": ...}, ...]
        api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

SUPPORTED = {
    "getMe",
    "sendMessage",
    "sendChatAction",
    "getFile",
    "answerCallbackQuery",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "setWebhook",
    "deleteWebhook",
    "getUpdates",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.time)  # when it arrived (wall clock, as the product's timestamps)


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegramAPI:
    token: str = "123456:TEST-token"
    bot_username: str = "burnout_test_bot"
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # file_path -> content
    updates: list[dict[str, Any]] = field(default_factory=list)  # served once by getUpdates

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, list[_Failure]] = {}
        self._file_ids: dict[str, str] = {}  # file_id -> file_path
        self._message_ids = itertools.count(1000)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def __enter__(self) -> FakeTelegramAPI:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api._handle(self)

            def do_POST(self) -> None:
                api._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def root(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.root}/file/bot"

    # --- test controls ---

    def add_file(self, file_path: str, content: bytes) -> str:
        file_id = f"file-{len(self._file_ids) + 1}"
        with self._lock:
            self._file_ids[file_id] = file_path
            self.files[file_path] = content
        return file_id

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        *,
        retry_after: int | None = None,
    ) -> None:
        """The next call of `method` fails so; `retry_after` (with 429) is flood control's `parameters.retry_after`."""
        with self._lock:
            self._failures.setdefault(method, []).append(_Failure(status, description, retry_after))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [call.params for call in self.calls if call.method == method]

    def timed_calls_to(self, method: str) -> list[Call]:
        """The calls with the time each arrived (for latency figures)."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def sent_texts(self) -> list[str]:
        return [str(params.get("text", "")) for params in self.calls_to("sendMessage")]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} called {len(self.calls_to(method))} times, expected {count}")

    # --- HTTP ---

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(request.path).path)
        bot_prefix = f"/bot{self.token}/"
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            content = self.files.get(path[len(file_prefix) :])
            if content is None:
                self._reply(request, 404, b"Not Found", "text/plain")
            else:
                self._reply(request, 200, content, "application/octet-stream")
            return
        if not path.startswith(bot_prefix):
            self._json(request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path[len(bot_prefix) :]
        params = self._params(request)
        with self._lock:
            self.calls.append(Call(method, params))
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
        if failure is not None:
            body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            self._json(request, failure.status, body)
            return
        if method not in SUPPORTED:
            self._json(request, 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
            return
        result = self._result(method, params)
        if result is None:
            self._json(request, 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
            return
        self._json(request, 200, {"ok": True, "result": result})

    def _params(self, request: BaseHTTPRequestHandler) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(urlsplit(request.path).query))
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        content_type = request.headers.get("Content-Type", "")
        if body and content_type.startswith("application/json"):
            params.update(json.loads(body))
        elif body and content_type.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode()))
        # python-telegram-bot sends nested values (reply_markup...) as JSON strings inside the form.
        for key in ("reply_markup", "allowed_updates"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        now = int(time.time())
        if method == "getMe":
            return {
                "id": int(self.token.split(":")[0]),
                "is_bot": True,
                "first_name": "Burnout",
                "username": self.bot_username,
            }
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id", 0))
            return {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": now,
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "getFile":
            file_path = self._file_ids.get(str(params.get("file_id")))
            if file_path is None:
                return None
            return {
                "file_id": params["file_id"],
                "file_unique_id": f"u{params['file_id']}",
                "file_size": len(self.files[file_path]),
                "file_path": file_path,
            }
        if method == "getUpdates":
            with self._lock:
                served, self.updates[:] = list(self.updates), []
            return served
        return True

    def _json(self, request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        self._reply(request, status, json.dumps(body).encode(), "application/json")

    def _reply(self, request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
