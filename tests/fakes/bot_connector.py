"""A fake Bot Connector service on 127.0.0.1, spoken to over real HTTP by the real SDK.

It plays both sides of Teams' channel service:
- toward popbot, it signs the activities the tests send with a test RSA key and publishes
  that key at `/keys`, the way the Bot Framework publishes its own. `use_test_keys` points the
  SDK's Bot Framework key lookup at that endpoint for the test; the SDK still checks every
  token (signature, issuer, audience, expiry, `serviceurl`) as it does in production;
- toward Teams, it takes what popbot posts (`/v3/conversations/…`), records every call,
  refuses a call without the token popbot's connection gets (`OUTBOUND_TOKEN`), answers
  member look-ups from `members`, and fails the next call of a kind on request
  (`fail("send", 429, retry_after=1)`).
"""

from __future__ import annotations

import collections
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWKClient
from microsoft_agents.hosting.core.authorization import AccessTokenProviderBase, AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization._entra_issuers import (
    BOTFRAMEWORK_JWKS_URIS,
    BOTFRAMEWORK_PUBLIC_ISSUER,
)
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import (
    JwtTokenValidator,
    _JwkClientCacheEntry,
)

from tests.fakes.server import LoopbackServer

APP_ID = "11111111-2222-3333-4444-555555555555"
TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
OTHER_TENANT = "99999999-8888-7777-6666-555555555555"
ISSUER = BOTFRAMEWORK_PUBLIC_ISSUER  # the claim the SDK routes on; the keys come from this fake
OUTBOUND_TOKEN = "outbound-token-from-the-test-connection"
KID = "popbot-test-key"

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # once per test process
_ids = itertools.count(1)


@dataclass
class Call:
    kind: str  # send, reply, update, member
    conversation: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    failed: bool = False
    authorization: str = ""
    returned: str = ""  # the activity id the fake gave back


class TestTokens(AccessTokenProviderBase):
    """popbot's own token in the tests: MSAL would ask Entra, which no test may reach."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return OUTBOUND_TOKEN

    def get_token_credential(self) -> Any:
        raise NotImplementedError


class FakeConnector(LoopbackServer):
    def __init__(self, per_second: int = 0) -> None:
        super().__init__()
        # Teams' limit per app and tenant (0: none): more posts than this within a second are
        # refused with a 429 and Retry-After, as Teams does
        self.per_second = per_second
        self._recent: collections.deque[float] = collections.deque()
        self.calls: list[Call] = []
        self.members: dict[str, dict[str, Any]] = {}  # user id -> TeamsChannelAccount
        self._failures: dict[str, list[tuple[int, int | None]]] = {}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/keys", self._keys)
        app.router.add_post("/v3/conversations/{conv}/activities", self._send)
        app.router.add_post("/v3/conversations/{conv}/activities/{id}", self._reply)
        app.router.add_put("/v3/conversations/{conv}/activities/{id}", self._update)
        app.router.add_get("/v3/conversations/{conv}/members/{user}", self._member)

    # ------------------------------------------------------------ toward popbot

    def token(self, *, audience: str = APP_ID, issuer: str = ISSUER, key: Any = None, **extra: Any) -> str:
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "nbf": now - 5, "exp": now + 600, "serviceurl": self.url}
        claims.update(extra)
        return jwt.encode(claims, key or _KEY, algorithm="RS256", headers={"kid": KID})

    async def _keys(self, request: web.Request) -> web.Response:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(_KEY.public_key(), as_dict=True)
        return web.json_response({"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]})

    @contextmanager
    def use_test_keys(self) -> Iterator[None]:
        """The SDK fetches the Bot Framework's signing keys from this fake, for this block."""
        cache = JwtTokenValidator._jwk_client_manager._cache
        saved = dict(cache)
        for uri in BOTFRAMEWORK_JWKS_URIS.values():
            cache[uri] = _JwkClientCacheEntry(PyJWKClient(f"{self.url}/keys"), threading.Lock())
        try:
            yield
        finally:
            cache.clear()
            cache.update(saved)

    # ------------------------------------------------------------ toward Teams

    def fail(self, kind: str, status: int, retry_after: int | None = None, times: int = 1) -> None:
        self._failures.setdefault(kind, []).extend([(status, retry_after)] * times)

    def of(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind and not c.failed]

    def sent(self) -> list[dict[str, Any]]:
        """Every activity popbot posted (sends and replies), in order."""
        return [c.body for c in self.calls if c.kind in ("send", "reply") and not c.failed]

    async def _record(self, request: web.Request, kind: str) -> web.Response:
        conv = request.match_info.get("conv", "")
        body = await request.json() if request.can_read_body else {}
        call = Call(kind, conv, body, authorization=request.headers.get("Authorization", ""))
        self.calls.append(call)
        if call.authorization != f"Bearer {OUTBOUND_TOKEN}":
            call.failed = True
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        if self.per_second and kind in ("send", "reply"):
            now = time.monotonic()
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.per_second:
                call.failed = True
                return web.json_response(
                    {"error": {"code": "Throttled"}}, status=429, headers={"Retry-After": "1"}
                )
            self._recent.append(now)
        queued = self._failures.get(kind)
        if queued:
            status, retry_after = queued.pop(0)
            call.failed = True
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return web.json_response({"error": {"code": "Throttled"}}, status=status, headers=headers)
        if kind == "member":
            user = request.match_info["user"]
            if user not in self.members:
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            return web.json_response(self.members[user])
        call.returned = request.match_info["id"] if kind == "update" else f"a{next(_ids)}"
        return web.json_response({"id": call.returned})

    async def _send(self, request: web.Request) -> web.Response:
        return await self._record(request, "send")

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._record(request, "reply")

    async def _update(self, request: web.Request) -> web.Response:
        return await self._record(request, "update")

    async def _member(self, request: web.Request) -> web.Response:
        return await self._record(request, "member")


def texts(activity: dict[str, Any]) -> str:
    """What a person reads in an activity: its text, and the text runs of its cards."""
    found = [activity.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("TextRun", "TextBlock") and "text" in node:
                found.append(str(node["text"]))
            if node.get("type", "").startswith("Action.") and "title" in node:
                found.append(f"[{node['title']}]")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(activity.get("attachments") or [])
    return "\n".join(t for t in found if t)
