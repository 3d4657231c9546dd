"""X-Forwarded-For is believed only from the reverse proxies named in GOTONG_TRUSTED_PROXIES."""

import json

from litestar import Litestar, Request, get

from server.config import load_settings
from server.web.proxies import TrustedProxyMiddleware, client_address, trusted_networks


def test_without_trusted_proxies_the_peer_address_is_the_client():
    assert client_address("127.0.0.1", "203.0.113.9", trusted_networks([])) == "127.0.0.1"


def test_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_address("198.51.100.7", "203.0.113.9", trusted_networks(["10.0.0.0/8"])) == "198.51.100.7"


def test_a_trusted_proxy_gives_the_rightmost_untrusted_address():
    networks = trusted_networks(["10.0.0.0/8", "127.0.0.1"])
    # The client may put anything on the left; only what the trusted proxies appended counts.
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.2.3", networks) == "203.0.113.9"
    assert client_address("10.0.0.5", "garbage", networks) == "10.0.0.5"


def test_trusted_proxies_setting_is_parsed_and_checked():
    settings = load_settings({"GOTONG_TRUSTED_PROXIES": " 10.0.0.5 , 192.168.0.0/24 "})
    assert settings.trusted_proxies == ("10.0.0.5", "192.168.0.0/24")
    assert settings.problems() == []
    assert load_settings({}).trusted_proxies == ()
    problems = load_settings({"GOTONG_TRUSTED_PROXIES": "proxy.local"}).problems()
    assert any("GOTONG_TRUSTED_PROXIES" in problem for problem in problems)


async def _client_host(trusted: list[str], peer: str, headers: dict[str, str]) -> tuple[str, str]:
    @get("/who", sync_to_thread=False)
    def who(request: Request) -> dict:
        return {"host": request.client.host if request.client else "", "scheme": request.url.scheme}

    app = Litestar([who], middleware=[TrustedProxyMiddleware(trusted)])
    sent: list[dict] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/who",
        "raw_path": b"/who",
        "root_path": "",
        "query_string": b"",
        "client": (peer, 5000),
        "server": ("127.0.0.1", 8000),
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = json.loads(b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body"))
    return body["host"], body["scheme"]


async def test_middleware_believes_only_trusted_proxies():
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert await _client_host([], "127.0.0.1", forwarded) == ("127.0.0.1", "http")
    assert await _client_host(["10.0.0.0/8"], "127.0.0.1", forwarded) == ("127.0.0.1", "http")
    assert await _client_host(["127.0.0.1"], "127.0.0.1", forwarded) == ("203.0.113.9", "https")
