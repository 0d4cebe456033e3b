"""A fake OpenID Connect provider on 127.0.0.1: discovery, an authorisation endpoint that signs
in whoever the test says (no page), a token endpoint that checks the client and the PKCE
verifier, and its keys. It signs ID tokens with a key of its own (joserfc), or — when a test
asks — with a stranger's key, for the wrong audience, or with another nonce."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.fakes.server import LoopbackServer

CLIENT_ID, CLIENT_SECRET = "popbot-console", "the-client-secret"


class FakeOidc(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.user = "hr@example.org"  # who signs in next
        self.verified: object = True  # what `email_verified` says (a provider may send anything)
        self.claims: dict[str, Any] = {}  # more claims in the next ID token, or None to leave one out
        self.tamper: str = ""  # "", "stranger", "audience", "nonce", "expired"
        self._codes: dict[str, dict[str, Any]] = {}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/authorize", self._authorize)
        app.router.add_post("/token", self._token)
        app.router.add_get("/jwks", self._jwks)

    async def _discovery(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
            }
        )

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        assert q["client_id"] == CLIENT_ID and q["code_challenge_method"] == "S256", dict(q)
        code = secrets.token_urlsafe(16)
        self._codes[code] = {
            "nonce": q["nonce"],
            "challenge": q["code_challenge"],
            "redirect": q["redirect_uri"],
        }
        raise web.HTTPFound(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}")

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        grant = self._codes.pop(str(form.get("code")), None)
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or challenge != grant["challenge"]
            or form.get("redirect_uri") != grant["redirect"]
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": "someone-else" if self.tamper == "audience" else CLIENT_ID,
            "sub": self.user,
            "email": self.user,
            "email_verified": self.verified,
            "nonce": "another" if self.tamper == "nonce" else grant["nonce"],
            "iat": now,
            "exp": now - 3600 if self.tamper == "expired" else now + 300,
        }
        claims.update(self.claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = RSAKey.generate_key(2048, parameters={"kid": "k1"}) if self.tamper == "stranger" else self.key
        token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return web.json_response({"access_token": "at", "token_type": "Bearer", "id_token": token})

    async def _jwks(self, _request: web.Request) -> web.Response:
        return web.json_response({"keys": [self.key.as_dict(private=False)]})
