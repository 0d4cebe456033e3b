"""Microsoft Teams as popbot's runtime sees it: its settings, its accounts, its commands
(the bot, and the app package for IT), and how it starts (`/api/messages` and the download
links on popbot's one HTTP server) and sends.

The Agents SDK is imported when Teams starts, never to build the command line."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.teams.settings import TeamsSettings
from adapters.text import package_words
from bot.errors import PopbotError
from bot.people.accounts import AccountRules, Bindings, Someone
from bot.people.roster import EMAIL
from bot.platform import PUBLIC_URL, Host, Platform

if TYPE_CHECKING:
    from adapters.teams.adapter import TeamsAdapter, TeamsConfig
    from bot.ports import Channel

NAME = "teams"
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _check(handle: str) -> Mapping[str, str] | None:
    # the person's Entra object id, or the e-mail (UPN) they sign in to Teams with
    return (
        None
        if GUID.fullmatch(handle) or EMAIL.fullmatch(handle)
        else package_words("adapters.teams", "handle")
    )


def _reach(person: Someone, access: Bindings) -> str | None:
    # popbot can write first once Teams told it the conversation (the app's install)
    return person.id if access.reference_of(NAME, person.id) is not None else None


def teams_config(settings: TeamsSettings) -> TeamsConfig:
    """Teams' settings, checked: each problem names its variable, never a value."""
    from adapters.teams.adapter import TeamsConfig

    app_id = settings.teams_app_id.strip()
    tenants = [t.strip().lower() for t in settings.teams_tenant_id.split(",") if t.strip()]
    problems = []
    if not GUID.fullmatch(app_id):
        problems.append("TEAMS_APP_ID is not an app (client) id (a GUID)")
    if not settings.teams_app_password.get_secret_value() and settings.teams_certificate is None:
        problems.append("TEAMS_APP_PASSWORD or TEAMS_CERTIFICATE is not set")
    if settings.teams_certificate is not None and not settings.teams_certificate.is_file():
        problems.append("TEAMS_CERTIFICATE is not a file")
    if not tenants or not all(GUID.fullmatch(t) for t in tenants):
        problems.append("TEAMS_TENANT_ID is not one or more tenant ids (GUIDs, comma-separated)")
    public = settings.popbot_public_url.strip().rstrip("/")
    if not PUBLIC_URL.fullmatch(public):
        problems.append("POPBOT_PUBLIC_URL is not popbot's public https:// address")
    if problems:
        raise PopbotError("Teams: " + "; ".join(problems) + " (see the README: 'Microsoft Teams')")
    hosts = tuple(h.strip() for h in settings.teams_service_hosts.split(",") if h.strip())
    return TeamsConfig(app_id, frozenset(tenants), tenants[0], public, settings.teams_max_rate, hosts)


class TeamsPlatform(Platform):
    """Microsoft Teams (see the module)."""

    name = NAME
    title = "Microsoft Teams"
    settings = TeamsSettings
    switch = "TEAMS_APP_ID"
    paths = ("/api/messages",)

    def __init__(self, token_provider: Any = None) -> None:
        # how popbot gets its own token: MSAL, unless another is given (the tests', which
        # reach no Entra)
        self.token_provider = token_provider

    def accounts(self) -> AccountRules:
        return AccountRules(NAME, _reach, check=_check, normal=str.lower)

    def configured(self, settings: TeamsSettings) -> bool:
        return bool(settings.teams_app_id.strip())

    def problems(self, settings: TeamsSettings, options: argparse.Namespace, replicas: bool) -> list[str]:
        try:
            teams_config(settings)
        except PopbotError as exc:
            return [str(exc)]
        return []

    def commands(self, sub: Any, languages: tuple[str, ...]) -> None:
        run = sub.add_parser(
            "teams", help="run the Teams bot (/api/messages), or write its app package (teams manifest)"
        )
        run.add_argument(
            "--listen", "--host", dest="listen", default="0.0.0.0", help="the address to listen on"
        )
        run.add_argument("--port", type=int, default=3978, help="the port (path /api/messages)")
        run.add_argument("--lang", default="nl", choices=languages)
        run.set_defaults(platform=NAME)
        package = run.add_subparsers(dest="teams_command").add_parser(
            "manifest", help="the Teams app package (manifest and icons) for IT"
        )
        package.add_argument("-o", "--output", type=Path, default=Path("popbot-teams.zip"))
        package.add_argument(
            "--developer", default="popbot", help="the organisation shown as the app's maker"
        )
        package.add_argument("--website", help="the app's web page (default: POPBOT_PUBLIC_URL)")
        package.add_argument("--privacy-url", help="your privacy statement (default: the website)")
        package.add_argument("--terms-url", help="your terms of use (default: the website)")
        package.add_argument("--version", dest="app_version", help="the app's version (default: popbot's)")
        package.add_argument("--lang", default="nl", choices=languages, help="the app's language in Teams")
        package.set_defaults(tool=self.manifest, platform=None)

    def adapter(self, host: Host, token_provider: Any = None) -> TeamsAdapter:
        """The Teams adapter on the SDK: the token check for incoming activities, and MSAL (or
        `token_provider`, else the platform's) for popbot's own token."""
        from microsoft_agents.hosting.core import AgentAuthConfiguration
        from microsoft_agents.hosting.core.authorization import AuthTypes, ConnectionManager

        from adapters.teams.adapter import TeamsAdapter

        settings: TeamsSettings = host.settings(self)
        config = teams_config(settings)
        certificate = settings.teams_certificate
        auth = AgentAuthConfiguration(
            AuthTypes.certificate if certificate else AuthTypes.client_secret,
            client_id=config.app_id,
            tenant_id=config.home_tenant,
            client_secret=settings.teams_app_password.get_secret_value() or None,
            cert_pfx_file=str(certificate) if certificate else None,
            validate_issuer=True,  # the SDK's issuer allow-list: the Bot Framework's and the tenant's
        )
        token_provider = token_provider or self.token_provider
        if token_provider is None:
            from microsoft_agents.authentication.msal import MsalAuth

            token_provider = MsalAuth
        connections = ConnectionManager(
            token_provider, connections_configurations={"SERVICE_CONNECTION": auth}
        )
        adapter = TeamsAdapter(host.engine, host.access, host.roster)
        adapter.build(config, connections, auth, host.inbox)
        return adapter

    async def start(self, host: Host) -> Channel:
        from adapters.teams.channel import TeamsChannel

        adapter = self.adapter(host)
        adapter.mount(host.web)  # /api/messages and its download links, on the one port
        return TeamsChannel(adapter)

    async def sender(self, host: Host) -> Channel:
        from adapters.teams.channel import TeamsChannel

        return TeamsChannel(self.adapter(host))

    def manifest(self, options: argparse.Namespace, host: Host) -> int:
        """`popbot teams manifest`: the app package (manifest and icons) IT uploads."""
        from importlib.metadata import version

        from adapters.teams.manifest import localizations, manifest, write_package

        settings: TeamsSettings = host.settings(self)
        app_id = settings.teams_app_id.strip()
        if not GUID.fullmatch(app_id):
            raise PopbotError(
                "TEAMS_APP_ID is not an app (client) id (a GUID): the package names the bot by it"
            )
        website = (options.website or settings.popbot_public_url).strip()
        if not re.fullmatch(r"https://\S+", website):
            raise PopbotError("the app needs a website: --website https://… or POPBOT_PUBLIC_URL")
        for name, url in (("--privacy-url", options.privacy_url), ("--terms-url", options.terms_url)):
            if url and not re.fullmatch(r"https://\S+", url):
                raise PopbotError(f"{name} is not an https:// address")
        script = host.engine.script(options.lang)
        commands = [(words[0], script.command_descriptions.get(name, "")) for name, words in script.commands]
        doc = manifest(
            app_id,
            options.app_version or version("popbot"),
            options.developer,
            website,
            options.privacy_url or website,
            options.terms_url or website,
            [(t, d) for t, d in commands if d],
            options.lang,
        )
        write_package(options.output, doc, localizations(options.lang))
        print(
            f"{options.output}: the Teams app package for bot {app_id} (upload it in the Teams admin center)"
        )
        return 0
