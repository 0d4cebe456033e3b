"""Sign-in through the organisation's identity provider (OpenID Connect: Microsoft Entra ID,
Google Workspace, Keycloak, …): the authorisation code flow with PKCE, a state and a nonce.
authlib makes the PKCE challenge and the random values; joserfc (authlib's own JOSE library)
checks the ID token's signature against the provider's keys, and its issuer, audience,
expiry and nonce. The e-mail address in the token is what popbot then looks up — and only one
the provider vouches for: `email` with `email_verified` exactly `true`, or, for a provider that
vouches differently, the claim the operator names (POPBOT_OIDC_EMAIL_CLAIM; for Entra ID member
accounts `preferred_username` or `upn`, the sign-in name Entra itself checked)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from bot.errors import PopbotError

CACHE = 3600.0  # seconds the provider's configuration and keys are kept
TIMEOUT = aiohttp.ClientTimeout(total=15)


class SignInRefused(PopbotError):
    """The provider's answer did not prove who this is (said to the log, not to the page)."""


@dataclass(frozen=True)
class Identity:
    """Who signed in, as the ID token says: the vouched address, and the directory's app roles
    and groups (Entra ID's `roles` and `groups`; Keycloak's `realm_access`/`resource_access`
    roles and its `groups` mapper). `overage`: the token says there were too many groups to
    list (Entra ID past 200: a link to Microsoft Graph instead) — none are known then."""

    email: str
    roles: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    overage: bool = False

    def has_group(self, wanted: str) -> bool:
        """A group by its id (Entra: the object id) or its name; Keycloak's full path (`/hr`) too."""
        return wanted in self.groups or f"/{wanted.lstrip('/')}" in self.groups


def _strings(value: object) -> frozenset[str]:
    return frozenset(v for v in value if isinstance(v, str)) if isinstance(value, list) else frozenset()


def directory_of(claims: dict[str, Any], client_id: str) -> tuple[frozenset[str], frozenset[str], bool]:
    """(roles, groups, overage) from an ID token's claims, in each provider's shape."""
    roles = _strings(claims.get("roles"))
    realm = claims.get("realm_access")
    if isinstance(realm, dict):
        roles |= _strings(realm.get("roles"))
    mine = claims.get("resource_access")
    if isinstance(mine, dict) and isinstance(mine.get(client_id), dict):
        roles |= _strings(mine[client_id].get("roles"))
    names = claims.get("_claim_names")
    overage = (isinstance(names, dict) and "groups" in names) or claims.get("hasgroups") is True
    return roles, _strings(claims.get("groups")), overage


@dataclass
class Flow:
    """What the browser carries (signed) between the start and the callback."""

    state: str
    nonce: str
    verifier: str
    until: float


class Oidc:
    def __init__(self, issuer: str, client_id: str, client_secret: str, email_claim: str = "") -> None:
        self.email_claim = email_claim.strip()
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self._config: tuple[float, dict[str, Any]] | None = None
        self._keys: tuple[float, KeySet] | None = None

    async def _get(self, url: str) -> dict[str, Any]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http, http.get(url) as answer:
            if answer.status != 200:
                raise SignInRefused(f"the identity provider answered {answer.status} for {url}")
            data: dict[str, Any] = await answer.json(content_type=None)
            return data

    async def config(self) -> dict[str, Any]:
        if self._config is None or self._config[0] < time.monotonic():
            found = await self._get(f"{self.issuer}/.well-known/openid-configuration")
            if found.get("issuer", "").rstrip("/") != self.issuer:
                raise SignInRefused("the identity provider's configuration names another issuer")
            self._config = (time.monotonic() + CACHE, found)
        return self._config[1]

    async def keys(self, refresh: bool = False) -> KeySet:
        if refresh or self._keys is None or self._keys[0] < time.monotonic():
            jwks = await self._get(str((await self.config())["jwks_uri"]))
            self._keys = (time.monotonic() + CACHE, KeySet.import_key_set(jwks))  # type: ignore[arg-type]
        return self._keys[1]

    async def start(self, redirect_uri: str) -> tuple[str, Flow]:
        """The provider's sign-in address, and what the callback must match."""
        flow = Flow(generate_token(32), generate_token(32), generate_token(64), time.time() + 600)
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": flow.state,
            "nonce": flow.nonce,
            "code_challenge": create_s256_code_challenge(flow.verifier),
            "code_challenge_method": "S256",
        }
        return f"{(await self.config())['authorization_endpoint']}?{urlencode(query)}", flow

    async def finish(self, redirect_uri: str, code: str, flow: Flow) -> Identity:
        """Who signed in at the provider: the verified e-mail address, the directory's roles and groups."""
        config = await self.config()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": flow.verifier,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as http,
            http.post(str(config["token_endpoint"]), data=form) as answer,
        ):
            tokens = await answer.json(content_type=None)
            if answer.status != 200 or "id_token" not in tokens:
                raise SignInRefused(f"the token endpoint answered {answer.status} without an ID token")
        claims = await self._verified(str(tokens["id_token"]), flow.nonce)
        if self.email_claim:  # the operator says the provider vouches for this claim
            vouched = claims.get(self.email_claim)
        else:  # exactly true: not "true", 1, or a claim that is missing
            vouched = claims.get("email") if claims.get("email_verified") is True else None
        email = vouched.strip().lower() if isinstance(vouched, str) else ""
        if "@" not in email or len(email) > 254:
            raise SignInRefused("the ID token holds no e-mail address the provider vouches for")
        roles, groups, overage = directory_of(claims, self.client_id)
        return Identity(email, roles, groups, overage)

    async def _verified(self, id_token: str, nonce: str) -> dict[str, Any]:
        try:
            token = jwt.decode(id_token, await self.keys(), algorithms=["RS256", "ES256"])
        except (JoseError, ValueError):
            try:  # a key the provider rolled over since: its keys fetched once more
                token = jwt.decode(id_token, await self.keys(refresh=True), algorithms=["RS256", "ES256"])
            except (JoseError, ValueError) as exc:
                raise SignInRefused(f"the ID token does not verify ({type(exc).__name__})") from None
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
            leeway=60,
        )
        try:
            registry.validate(token.claims)
        except JoseError as exc:
            raise SignInRefused(f"the ID token's claims do not hold ({type(exc).__name__})") from None
        return dict(token.claims)
