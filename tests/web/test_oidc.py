"""Sign-in through an OpenID Connect provider (a fake one on 127.0.0.1): HR by POPBOT_WEB_HR,
a manager by the roster, an employee refused; and every way an answer can be forged refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.settings import Settings
from bot.app.web.app import console_app
from bot.app.wiring import Parts
from bot.errors import PopbotError
from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET, FakeOidc
from tests.schedule_world import free_port
from tests.web.console_world import MARKER, console_data

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def provider() -> AsyncIterator[FakeOidc]:
    idp = FakeOidc()
    await idp.start()
    yield idp
    await idp.stop()


@pytest.fixture
async def client(tmp_path: Path, provider: FakeOidc, request: pytest.FixtureRequest) -> AsyncIterator[Client]:
    data = await console_data(tmp_path)
    port = free_port()
    settings = Settings(
        popbot_data_dir=data,
        popbot_web_secret="test-secret",  # type: ignore[arg-type]
        popbot_oidc_issuer=provider.url,
        popbot_oidc_client_id=CLIENT_ID,
        popbot_oidc_client_secret=CLIENT_SECRET,  # type: ignore[arg-type]
        popbot_web_hr="Chief.HR@example.org",
        popbot_public_url=f"http://127.0.0.1:{port}",
        **getattr(request, "param", {}),
    )
    app = web.Application()
    app.add_subapp("/console", console_app(Parts(settings)))
    async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as c:
        yield c


async def through_provider(client: Client) -> web.StreamResponse | object:
    """Start, let the provider sign in its user, come back: the console's last answer."""
    start = await client.get("/console/oidc/start", allow_redirects=False)
    assert start.status == 303
    async with client.session.get(start.headers["Location"], allow_redirects=False) as at_provider:
        assert at_provider.status == 302
        back = at_provider.headers["Location"]
    path = back.split(str(client.make_url("")).rstrip("/"), 1)[1]
    return await client.get(path, allow_redirects=False)


async def test_the_sign_in_page_offers_the_organisations_account(client: Client) -> None:
    page = await (await client.get("/console/signin")).text()
    assert "/console/oidc/start" in page and "organisatie-account" in page


async def test_hr_named_in_the_settings_signs_in_as_hr(client: Client, provider: FakeOidc) -> None:
    provider.user = "chief.hr@example.org"
    answer = await through_provider(client)
    assert answer.status == 303 and answer.headers["Location"] == "/console/round"  # type: ignore[attr-defined]
    page = await client.get("/console/round")
    assert page.status == 200 and MARKER not in await page.text()


async def test_a_manager_by_the_roster_signs_in_as_manager_an_employee_does_not(
    client: Client, provider: FakeOidc
) -> None:
    provider.user = "rob@example.org"  # has five reports in the roster
    answer = await through_provider(client)
    assert answer.headers["Location"] == "/console/reports"  # type: ignore[attr-defined]
    assert (await client.get("/console/round")).status == 403
    client.session.cookie_jar.clear()
    provider.user = "anna@example.org"  # an employee: no reports, not HR
    answer = await through_provider(client)
    assert answer.status == 403  # type: ignore[attr-defined]
    assert (await client.get("/console/reports", allow_redirects=False)).status == 303


@pytest.mark.parametrize("tamper", ["stranger", "audience", "nonce", "expired"])
async def test_a_forged_or_stale_id_token_is_refused(client: Client, provider: FakeOidc, tamper: str) -> None:
    provider.user, provider.tamper = "chief.hr@example.org", tamper
    answer = await through_provider(client)
    assert answer.status == 401  # type: ignore[attr-defined]
    assert (await client.get("/console/round", allow_redirects=False)).status == 303


async def test_an_unverified_address_or_a_changed_state_is_refused(
    client: Client, provider: FakeOidc
) -> None:
    provider.user, provider.verified = "chief.hr@example.org", False
    assert (await through_provider(client)).status == 401  # type: ignore[attr-defined]
    provider.verified = True
    start = await client.get("/console/oidc/start", allow_redirects=False)
    async with client.session.get(start.headers["Location"], allow_redirects=False) as at_provider:
        back = at_provider.headers["Location"].replace("state=", "state=x")
    path = back.split(str(client.make_url("")).rstrip("/"), 1)[1]
    assert (await client.get(path, allow_redirects=False)).status == 400


@pytest.mark.parametrize("said", ["true", 1, "yes", None])
async def test_only_an_email_verified_exactly_true_signs_in(
    client: Client, provider: FakeOidc, said: object
) -> None:
    provider.user, provider.verified = "chief.hr@example.org", said  # None: the claim is missing
    provider.claims = {"email_verified": None} if said is None else {}
    assert (await through_provider(client)).status == 401  # type: ignore[attr-defined]
    assert (await client.get("/console/round", allow_redirects=False)).status == 303


@pytest.mark.parametrize("client", [{"popbot_oidc_email_claim": "preferred_username"}], indirect=True)
async def test_a_claim_the_operator_names_is_the_address_entra_id(client: Client, provider: FakeOidc) -> None:
    """Entra ID vouches for a member's sign-in name, and sends no `email_verified` at all."""
    provider.user = "someone@example.org"  # the `email` claim, which Entra lets users set: not used
    provider.claims = {"email_verified": None, "preferred_username": "Chief.HR@example.org"}
    answer = await through_provider(client)
    assert answer.status == 303 and answer.headers["Location"] == "/console/round"  # type: ignore[attr-defined]
    client.session.cookie_jar.clear()
    provider.claims = {"email_verified": None}  # the named claim missing: nobody
    assert (await through_provider(client)).status == 401  # type: ignore[attr-defined]


async def test_the_way_back_is_the_public_address_never_the_host_header(client: Client) -> None:
    start = await client.get(
        "/console/oidc/start", headers={"Host": "attacker.invalid"}, allow_redirects=False
    )
    location = unquote(start.headers["Location"])
    assert "attacker.invalid" not in location
    assert f"redirect_uri={client.make_url('/console/oidc/callback')}&" in location


def test_openid_connect_without_a_public_address_does_not_start(tmp_path: Path) -> None:
    settings = Settings(
        popbot_data_dir=tmp_path, popbot_oidc_issuer="http://127.0.0.1:9", popbot_oidc_client_id="x"
    )  # type: ignore[call-arg]
    with pytest.raises(PopbotError, match="POPBOT_PUBLIC_URL"):
        console_app(Parts(settings))


# ID tokens shaped as each provider issues them (their claims; the issuer is the fake's own)
ENTRA_TID, HR_GROUP_OID = "72f988bf-86f1-41af-91ab-2d7cd011db47", "8f3c2b1e-5d7a-4c1b-9e2f-0a1b2c3d4e5f"


def entra(user: str, **more: object) -> dict[str, object]:
    """A v2.0 ID token of an Entra ID member: no `email_verified`; `preferred_username` is the
    sign-in name; app roles in `roles`, group object ids in `groups` (when configured)."""
    return {"email_verified": None, "email": None, "preferred_username": user, "tid": ENTRA_TID,
            "oid": "00000000-0000-0000-66f3-3332eca7ea81", "ver": "2.0", **more}  # fmt: skip


def keycloak(user: str, **more: object) -> dict[str, object]:
    """Keycloak: realm roles under `realm_access`, the client's under `resource_access`, and
    the group mapper's full paths in `groups`."""
    realm = {"roles": ["offline_access", "uma_authorization"]}
    return {"email": user, "email_verified": True, "preferred_username": user.split("@")[0],
            "realm_access": realm, "typ": "ID", **more}  # fmt: skip


ROLES = {"popbot_oidc_email_claim": "preferred_username", "popbot_oidc_hr_role": "POP.HR",
         "popbot_oidc_hr_group": HR_GROUP_OID}  # fmt: skip


@pytest.mark.parametrize("client", [ROLES], indirect=True)
async def test_entra_id_hr_by_app_role_or_group_and_not_by_the_overage(
    client: Client, provider: FakeOidc
) -> None:
    for claims in ({"roles": ["POP.HR"]}, {"groups": [HR_GROUP_OID, "another-group"]}):
        client.session.cookie_jar.clear()
        provider.claims = entra("lisa.hr@example.org", **claims)  # not in POPBOT_WEB_HR, no account
        answer = await through_provider(client)
        assert answer.headers["Location"] == "/console/round", claims  # type: ignore[attr-defined]
        assert (await client.get("/console/round")).status == 200
    client.session.cookie_jar.clear()
    provider.claims = entra("lisa.hr@example.org", roles=["pop.hr"], groups=["another-group"])
    assert (await through_provider(client)).status == 403  # type: ignore[attr-defined]  # a role is exact
    client.session.cookie_jar.clear()  # more than 200 groups: Entra sends a link instead of them
    provider.claims = entra("lisa.hr@example.org", _claim_names={"groups": "src1"},
                            _claim_sources={"src1": {"endpoint": "https://graph.invalid/x"}})  # fmt: skip
    assert (await through_provider(client)).status == 403  # type: ignore[attr-defined]
    client.session.cookie_jar.clear()  # a manager is one by the roster, whatever the directory says
    provider.claims = entra("rob@example.org", roles=["Some.Other.Role"])
    assert (await through_provider(client)).headers["Location"] == "/console/reports"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "client", [{"popbot_oidc_hr_role": "popbot-hr", "popbot_oidc_hr_group": "HR"}], indirect=True
)
async def test_keycloak_hr_by_realm_or_client_role_or_group_path(client: Client, provider: FakeOidc) -> None:
    for claims in (
        {"realm_access": {"roles": ["offline_access", "popbot-hr"]}},
        {"resource_access": {CLIENT_ID: {"roles": ["popbot-hr"]}}},
        {"groups": ["/HR"]},  # the group mapper's full path
    ):
        client.session.cookie_jar.clear()
        provider.user = "lisa.hr@example.org"
        provider.claims = keycloak("lisa.hr@example.org", **claims)
        answer = await through_provider(client)
        assert answer.headers["Location"] == "/console/round", claims  # type: ignore[attr-defined]
    client.session.cookie_jar.clear()  # another client's role is not ours
    provider.claims = keycloak("lisa.hr@example.org", resource_access={"other-app": {"roles": ["popbot-hr"]}})
    assert (await through_provider(client)).status == 403  # type: ignore[attr-defined]


@pytest.mark.parametrize("client", [ROLES], indirect=True)
async def test_a_directory_hr_session_outlives_the_recheck(
    client: Client, provider: FakeOidc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console asks again, now and then, whether a session's role is still theirs; HR by
    the directory stays HR for the session (no token to ask again): a change there counts
    from the next sign-in. A manager's session still follows the roster."""
    from bot.app.web import session

    monkeypatch.setattr(session, "RECHECK", 0)  # every request checks
    provider.claims = entra("lisa.hr@example.org", roles=["POP.HR"])
    assert (await through_provider(client)).headers["Location"] == "/console/round"  # type: ignore[attr-defined]
    for _ in range(3):
        assert (await client.get("/console/round", allow_redirects=False)).status == 200


@pytest.mark.parametrize("client", [{"popbot_oidc_hr_group": "hr@example.org"}], indirect=True)
async def test_google_workspace_sends_no_groups_hr_by_the_address_list(
    client: Client, provider: FakeOidc
) -> None:
    """Google's ID token has `hd` and a verified `email`, never groups: HR is POPBOT_WEB_HR."""
    provider.user = "chief.hr@example.org"
    provider.claims = {"hd": "example.org", "azp": CLIENT_ID, "at_hash": "x"}
    assert (await through_provider(client)).headers["Location"] == "/console/round"  # type: ignore[attr-defined]
    client.session.cookie_jar.clear()
    provider.user = "lisa.hr@example.org"
    assert (await through_provider(client)).status == 403  # type: ignore[attr-defined]
