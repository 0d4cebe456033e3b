"""The console's pages and what guards them: sign-in, a role on every request, CSRF on every
form, security headers on every answer. Mounted at /console on popbot's HTTP server.

Every page is made of counts, states, dates and names from the roster — never of a record's
answers: the handlers read `bot.app.views` and the outbox's schedule, nothing else.
"""

from __future__ import annotations

import asyncio
import csv
import io
import ipaddress
import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

import aiohttp
from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from bot.app.published import figures, per_stage
from bot.app.views import entry_row, schedule_summary, schedule_view, standings, team_counts
from bot.app.web.accounts import Accounts
from bot.app.web.hr_pages import HrPages
from bot.app.web.oidc import Flow, Identity, Oidc
from bot.app.web.pages import read_form
from bot.app.web.scripts_page import ScriptsPage
from bot.app.web.session import COOKIE, Session, Sessions, same
from bot.app.web.text import words
from bot.app.wiring import Parts
from bot.domain import DONE
from bot.errors import PopbotError, StorageError
from bot.people.team import prep_id
from bot.schedule.outbox import Outbox
from bot.schedule.progress import STAGES
from bot.schedule.timeline import Texts

log = logging.getLogger("popbot")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SESSION: web.RequestKey[Session | None] = web.RequestKey("session", Session | None)  # type: ignore[arg-type]
DIRECTORY = "directory"  # a session's source: HR by the directory's group or app role (OIDC)
FLOW_COOKIE = "popbot_oidc"  # the OpenID Connect flow's state, nonce and PKCE verifier, signed
CSRF_COOKIE = "popbot_signin_csrf"  # the sign-in form's token, before there is a session
LANG_COOKIE = "popbot_lang"
DEVICE_COOKIE = "popbot_device"  # a browser that signed in to an account before (throttling only)
DEVICE_DAYS = 365
FILTERS = ("person", "manager", "kind", "status", "since", "until")
LISTED = 500  # messages a filtered list shows (the CSV has them all)
KINDS = {"invitation", "reminder", "delivery", "prep_invitation", "final", "checkin", "evaluation"}
_EVER = (datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))
MIN_GROUP = 5  # counts of a smaller group are not shown to HR: they would point at people
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def max_upload(settings: Any) -> int:
    """The largest roster a form may send (bytes), one setting for every way in."""
    return int(settings.popbot_web_max_upload_mb) * 1024 * 1024


def max_body(settings: Any) -> int:
    """The largest request body popbot's HTTP server takes: an upload and its form around it."""
    return max_upload(settings) + 65536


def trusted_proxies(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """POPBOT_TRUSTED_PROXIES: addresses or networks, comma-separated (a bad one stops the start)."""
    try:
        return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise PopbotError(f"POPBOT_TRUSTED_PROXIES: {exc}") from None


class Console:
    def __init__(self, parts: Parts, secret: bytes, min_group: int = MIN_GROUP) -> None:
        self.parts = parts
        settings = parts.settings
        self.sessions = Sessions(
            secret, parts.store, self._still_theirs,
            idle=settings.popbot_web_idle_minutes * 60, absolute=settings.popbot_web_session_hours * 3600,
        )  # fmt: skip
        self.accounts = Accounts(parts.store)
        self.proxies = trusted_proxies(settings.popbot_trusted_proxies)
        self.public_url = settings.popbot_public_url.strip().rstrip("/")
        self.max_upload = max_upload(settings)
        if settings.popbot_oidc_issuer and not self.public_url:
            # the address the provider sends people back to: never taken from a request's Host
            raise PopbotError(
                "sign-in by OpenID Connect needs POPBOT_PUBLIC_URL (where browsers reach popbot)"
            )
        self.oidc = (
            Oidc(
                settings.popbot_oidc_issuer,
                settings.popbot_oidc_client_id,
                settings.popbot_oidc_client_secret.get_secret_value(),
                email_claim=settings.popbot_oidc_email_claim,
            )
            if settings.popbot_oidc_issuer
            else None
        )
        self.hr_emails = {e.strip().lower() for e in settings.popbot_web_hr.split(",") if e.strip()}
        self.hr_groups = [g.strip() for g in settings.popbot_oidc_hr_group.split(",") if g.strip()]
        self.hr_roles = {r.strip() for r in settings.popbot_oidc_hr_role.split(",") if r.strip()}
        self.min_group = min_group
        self.templates = Environment(
            loader=PackageLoader("bot.app.web", "templates"),
            autoescape=select_autoescape(default=True),  # a name like <script> shows as text
        )

    # ------------------------------------------------------------ the app

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[self._headers, self._guard], client_max_size=max_body(self.parts.settings)
        )
        app.router.add_get("/", self.home)
        app.router.add_get("/signin", self.signin_page, name="signin")
        app.router.add_post("/signin", self.signin)
        app.router.add_post("/signout", self.signout)
        app.router.add_get("/oidc/start", self.oidc_start)
        app.router.add_get("/oidc/callback", self.oidc_callback, name="oidc_callback")
        app.router.add_get("/round", self.round, name="round")
        app.router.add_get("/reports", self.reports, name="reports")
        app.router.add_get("/schedule", self.schedule, name="schedule")
        app.router.add_post("/schedule/retry", self.retry)
        app.router.add_get("/schedule.csv", self.schedule_csv)
        app.router.add_get("/static/{file:(?:console\\.css|scripts\\.js)}", self.static)
        HrPages(self).routes(app)
        ScriptsPage(self).routes(app)
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:  # aiohttp's bare sentence, said for people instead
            message = self.t(request)["upload_too_big"].format(mb=self.max_upload // 2**20)
            response = web.Response(
                text=self._render(request, "message.html", message=message),
                content_type="text/html",
                status=413,
            )
        except web.HTTPException as exc:
            response = exc
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if self._secure(request):  # browsers then refuse plain HTTP to this host for a year
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if isinstance(response, web.HTTPException):
            raise response
        return response

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Signed in, or the sign-in page; a POST carries the session's CSRF token."""
        # in a thread: the session is read from the store (and now and then the roster)
        session = await asyncio.to_thread(self.sessions.read, request.cookies.get(COOKIE))
        request[SESSION] = session
        if request.match_info.handler in (  # open to all
            self.signin_page,
            self.signin,
            self.static,
            self.oidc_start,
            self.oidc_callback,
        ):
            return await handler(request)
        if session is None:
            raise web.HTTPSeeOther(_url(request, "signin"))
        if request.method == "POST":
            form = await read_form(request)
            if not same(str(form.get("csrf", "")), session.csrf):
                return self.page(request, "message.html", status=400, message=self.t(request)["bad_request"])
        return await handler(request)

    # ------------------------------------------------------------ helpers

    def lang(self, request: web.Request) -> str:
        chosen = request.query.get("lang") or request.cookies.get(LANG_COOKIE) or ""
        if chosen in ("nl", "en"):
            return chosen
        return "en" if request.headers.get("Accept-Language", "").lower().startswith("en") else "nl"

    def t(self, request: web.Request) -> dict[str, str]:
        return words(self.lang(request))

    def t_for(self, language: str) -> dict[str, str]:
        return words(language)

    def _render(self, request: web.Request, template: str, **values: Any) -> str:
        session = request.get(SESSION)
        t = self.t(request)
        role = t.get(f"role_{session.role}", "") if session else ""
        prefix = _url(request, "signin").removesuffix("signin")  # where the console is mounted
        return self.templates.get_template(template).render(
            t=t, session=session, lang=self.lang(request), role=role, prefix=prefix, **values
        )

    def page(self, request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
        html = self._render(request, template, **values)
        response = web.Response(text=html, content_type="text/html", status=status)
        if "lang" in request.query and request.query["lang"] in ("nl", "en"):
            response.set_cookie(LANG_COOKIE, request.query["lang"], httponly=True, samesite="Lax", path="/")
        return response

    def need(self, request: web.Request, role: str) -> Session:
        session: Session | None = request[SESSION]
        if session is None or session.role != role:
            message = self.t(request)["forbidden"]
            raise web.HTTPForbidden(
                text=self._render(request, "message.html", message=message), content_type="text/html"
            )
        return session

    def refused(self, reason: str) -> None:
        """A sign-in refused, counted by reason where this process has `/metrics` (`serve`)."""
        metrics = self.parts.__dict__.get("metrics")
        if metrics is not None:
            metrics.signin_failed(reason)

    def audit(self, event: str, **params: object) -> None:
        """One line for the audit log: when, `console`, what happened (a code) and its values as
        JSON — so the audit page tells it in its reader's language (`audit_<code>` in YAML)."""
        values = json.dumps(params, ensure_ascii=False, sort_keys=True)
        self.parts.store.append_audit(
            f"{datetime.now(UTC).isoformat(timespec='seconds')} console {event} {values}"
        )

    def _from_proxy(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.proxies)

    def client(self, request: web.Request) -> str:
        """Who is asking: the connection's address, or — when that is a trusted proxy — the
        last address in X-Forwarded-For that is not one (the ones before it anyone can write)."""
        remote = request.remote or "?"
        if not self._from_proxy(remote):
            return remote
        chain = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        for address in reversed(chain):
            if not self._from_proxy(address):
                return address[:64]
        return remote

    def _secure(self, request: web.Request) -> bool:
        if request.secure:
            return True
        return self._from_proxy(request.remote) and request.headers.get("X-Forwarded-Proto", "") == "https"

    def _still_theirs(self, session: Session) -> str | None:
        """The role `session`'s owner has now (None: none): for a local account its account's,
        for a sign-in by the identity provider what the roster and POPBOT_WEB_HR say."""
        if session.source == "local":
            account = self.parts.store.load_account(session.email)
            return str(account["role"]) if account else None
        if session.source == DIRECTORY:  # HR by the directory's group or role: until the
            return "hr"  # session ends (a change there counts from the next sign-in)
        return self.role_of(session.email)

    def directory_hr(self, identity: Identity) -> bool:
        """Whether the directory makes this person HR: an app role or a group the settings name."""
        if identity.roles & self.hr_roles or any(identity.has_group(g) for g in self.hr_groups):
            return True
        if self.hr_groups and identity.overage:
            log.warning(
                "an ID token listed no groups (too many for the token): HR by group cannot be "
                "seen for this sign-in; give HR an app role (POPBOT_OIDC_HR_ROLE) instead"
            )
        return False

    # ------------------------------------------------------------ sign-in

    async def home(self, request: web.Request) -> web.StreamResponse:
        session = request[SESSION]
        assert session is not None  # (the guard let it in)
        raise web.HTTPSeeOther(_url(request, "round" if session.role == "hr" else "reports"))

    async def signin_page(self, request: web.Request, failed: str = "") -> web.StreamResponse:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = self.page(
            request,
            "signin.html",
            status=401 if failed else 200,
            csrf=token,
            failed=failed,
            oidc=self.oidc is not None,
        )
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="Lax", secure=self._secure(request), path="/"
        )
        return response

    async def signin(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        t = self.t(request)
        expected = request.cookies.get(CSRF_COOKIE, "")
        if not expected or not same(str(form.get("csrf", "")), expected):
            return self.page(request, "message.html", status=400, message=t["bad_request"])
        email, password = str(form.get("email", "")).strip().lower()[:254], str(form.get("password", ""))
        # A browser that signed in to this account before carries a signed device cookie and is
        # throttled on its own failures only: others failing from the same address (an office
        # behind one NAT, a guessing colleague) never keep HR's own browser waiting.
        device = self.sessions.unseal(request.cookies.get(DEVICE_COOKIE))
        known = device is not None and device.get("email") == email and isinstance(device.get("n"), str)
        client = f"device:{device['n']}" if known and device else self.client(request)
        wait = self.accounts.throttle.wait(email, client)
        if wait > 0:
            self.refused("throttled")
            return await self.signin_page(request, failed=t["signin_throttled"].format(seconds=int(wait) + 1))
        # argon2 takes a CPU for a while: in a thread, so the chats go on meanwhile
        account = await asyncio.to_thread(self.accounts.sign_in, email, password, client)
        if account is None:
            self.audit("signin_refused")  # no address: a mistyped one may be someone's password
            self.refused("password")
            return await self.signin_page(request, failed=t["signin_failed"])
        self.audit("signed_in", email=account.email, role=account.role)
        response = await self._signed_in(request, account.email, account.role, "local", done_with=CSRF_COOKIE)
        if not known:
            response.set_cookie(
                DEVICE_COOKIE, self.sessions.seal({"email": account.email, "n": secrets.token_urlsafe(16)}),
                httponly=True, samesite="Strict", secure=self._secure(request), path="/",
                max_age=DEVICE_DAYS * 86400,
            )  # fmt: skip
        raise response

    def role_of(self, email: str) -> str | None:
        """Who may use the console, for someone the identity provider vouches for: a local
        account's role; HR if POPBOT_WEB_HR names them; a manager if the roster gives them
        reports; nobody else."""
        account = self.parts.store.load_account(email)
        if account is not None:
            return str(account["role"])
        if email in self.hr_emails:
            return "hr"
        me = self.parts.store.find_person(f"email:{email}")
        if me and any(p.manager == me and p.active for p in self.parts.roster.everyone()):
            return "manager"
        return None

    def _callback_url(self, request: web.Request) -> str:
        # POPBOT_PUBLIC_URL, never the request's Host: a forged Host would send the code elsewhere
        return f"{self.public_url}{_url(request, 'oidc_callback')}"

    async def oidc_start(self, request: web.Request) -> web.StreamResponse:
        if self.oidc is None:
            raise web.HTTPNotFound()
        try:
            url, flow = await self.oidc.start(self._callback_url(request))
        except (PopbotError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("OpenID Connect sign-in could not start: %s", exc)
            return await self.signin_page(request, failed=self.t(request)["signin_provider_down"])
        response = web.HTTPSeeOther(url)
        response.set_cookie(
            FLOW_COOKIE, self.sessions.seal(dict(flow.__dict__)), httponly=True, samesite="Lax",
            secure=self._secure(request), path="/", max_age=600,
        )  # fmt: skip
        raise response

    async def oidc_callback(self, request: web.Request) -> web.StreamResponse:
        t = self.t(request)
        data = self.sessions.unseal(request.cookies.get(FLOW_COOKIE))
        if self.oidc is None or data is None:
            return self.page(request, "message.html", status=400, message=t["bad_request"])
        flow = Flow(**data)  # type: ignore[arg-type]
        given = request.query.get("state", "")
        if flow.until < time.time() or not same(given, str(flow.state)) or "code" not in request.query:
            return self.page(request, "message.html", status=400, message=t["bad_request"])
        try:
            identity = await self.oidc.finish(self._callback_url(request), request.query["code"], flow)
        except (PopbotError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("OpenID Connect sign-in refused: %s", exc)
            self.audit("oidc_refused")
            self.refused("provider")
            return await self.signin_page(request, failed=t["signin_failed"])
        email = identity.email
        local = await asyncio.to_thread(self.parts.store.load_account, email)
        source, role = "oidc", None
        if local is None and email not in self.hr_emails and self.directory_hr(identity):
            role, source = "hr", DIRECTORY
        else:
            role = await asyncio.to_thread(self.role_of, email)
        if role is None:
            self.audit("oidc_no_role")
            self.refused("no_role")
            return self.page(request, "message.html", status=403, message=t["signin_not_allowed"])
        self.audit("oidc_signed_in", email=email, role=role)
        raise await self._signed_in(request, email, role, source, done_with=FLOW_COOKIE)

    async def _signed_in(
        self, request: web.Request, email: str, role: str, source: str, done_with: str
    ) -> web.HTTPSeeOther:
        """To the first page of the role, with the session's cookie (and the sign-in's gone)."""
        _session, cookie = await asyncio.to_thread(self.sessions.issue, email, role, source)
        response = web.HTTPSeeOther(_url(request, "round" if role == "hr" else "reports"))
        response.set_cookie(
            COOKIE,
            cookie,
            httponly=True,
            samesite="Lax",
            secure=self._secure(request),
            path="/",
            max_age=self.sessions.lifetime,
        )
        response.del_cookie(done_with, path="/")
        return response

    async def signout(self, request: web.Request) -> web.StreamResponse:
        session = request[SESSION]
        if session is not None:  # ended on the server: a copy of the cookie opens nothing now
            await asyncio.to_thread(self.sessions.end, session)
            self.audit("signed_out", email=session.email)
        response = web.HTTPSeeOther(_url(request, "signin"))
        response.del_cookie(COOKIE, path="/")
        raise response

    # ------------------------------------------------------------ HR: the round

    async def round(self, request: web.Request) -> web.StreamResponse:
        self.need(request, "hr")
        # seconds at 10,000 people (the roster, the progress log): in a thread, not on the loop
        values = await asyncio.to_thread(self._round)
        return self.page(request, "round.html", stages=STAGES[1:], min_group=self.min_group, **values)

    def _round(self) -> dict[str, Any]:
        """The round's figures (`bot.app.published`: none that singles out a small group)."""
        people = self.parts.roster.everyone()
        team_counts(self.parts, people)  # makes sure the progress log exists
        reached = self.parts.store.progress_of([(p.id, p.conversation) for p in people if p.active])
        shown = figures(people, reached, self.min_group)
        names = {p.id: p.name for p in people}

        def cells(counts: Counter[str] | None, size: int) -> list[int | None]:
            return list(per_stage(counts, size, STAGES).values())

        rows = [
            {"manager": names.get(m, m) if m != "–" else None, "counts": cells(c, shown.sizes[m])}
            for m, c in sorted(shown.per_manager.items(), key=lambda kv: names.get(kv[0], kv[0]))
        ]
        departments = [
            {"department": d, "counts": cells(c, shown.department_sizes[d])}
            for d, c in sorted(shown.departments.items())
        ]
        top = max((total for total, _f in shown.weeks.values()), default=1)
        chart = [
            {
                "week": week, "total": total, "finished": finished, "height": round(100 * total / top),
                "done": round(100 * finished / top) if finished is not None else 0,
            }
            for week, (total, finished) in sorted(shown.weeks.items())
        ]  # fmt: skip
        return {
            "rows": rows, "everyone": cells(shown.total, shown.everyone), "departments": departments,
            "chart": chart, "empty": not people,
        }  # fmt: skip

    # ------------------------------------------------------------ a manager: their own reports

    async def reports(self, request: web.Request) -> web.StreamResponse:
        session = self.need(request, "manager")
        words = self.parts.schedule_config.texts(self.lang(request))
        values = await asyncio.to_thread(self._reports, session.email, words)  # reads each report's record
        return self.page(request, "reports.html", stages=STAGES[1:], **values)

    def _reports(self, email: str, words: Texts) -> dict[str, Any]:
        me = self.parts.store.find_person(f"email:{email}")
        outbox = Outbox(self.parts.outbox_files)
        mine = [p for p in self.parts.roster.everyone() if me is not None and p.manager == me and p.active]
        rows = []
        damaged: list[str] = []
        mine.sort(key=lambda p: p.name)
        for p, row in zip(mine, standings(self.parts, outbox, mine, damaged), strict=True):
            when = p.conversation_at()
            row["conversation"] = words.moment(when) if when else "–"
            # the manager's own preparation for this report: done or still open (never its content)
            try:
                prep = self.parts.store.load(prep_id(me or "", p.id, p.conversation))
            except StorageError as exc:
                damaged.append(str(exc))
                prep, row["damaged"] = None, True
            row["prepared"] = prep is not None and prep.state == DONE
            rows.append(row)
        chat = self.parts.chat_link(self.parts.roster.get(me) if me else None)
        if damaged:
            log.error("the reports page passed over what it could not read: %s", "; ".join(damaged))
        return {"rows": rows, "chat": chat, "damaged": len(damaged)}

    # ------------------------------------------------------------ HR: the schedule

    async def schedule(self, request: web.Request, done: str = "") -> web.StreamResponse:
        self.need(request, "hr")
        asked = {k: request.query.get(k, "").strip() for k in FILTERS}
        words = self.parts.schedule_config.texts(self.lang(request))
        values = await asyncio.to_thread(self._schedule, asked, words)  # a filter may read every plan
        return self.page(request, "schedule.html", done=done, asked=asked, **values)

    def _schedule(self, asked: dict[str, str], words: Texts) -> dict[str, Any]:
        view = schedule_view(self.parts)
        summary = schedule_summary(view, words)
        listed, more = self._listed(view, asked, words) if any(asked.values()) else ([], False)
        if view.damaged:
            log.error("the schedule page passed over what it could not read: %s", "; ".join(view.damaged))
        planned = {kind for _hour, kind in view.outbox.store.due_counts(_EVER[0], _EVER[1])}
        return {
            "summary": summary, "listed": listed, "more": more, "damaged": len(view.damaged),
            "kinds": sorted(planned | KINDS), "kind_names": words.kinds, "status_names": words.statuses,
        }  # fmt: skip

    def _listed(self, view: Any, asked: dict[str, str], words: Texts) -> tuple[list[dict[str, Any]], bool]:
        """The messages the filters name (a person's or a manager's reports' read alone)."""
        outbox = view.outbox
        if asked["person"]:  # an id, or the name the table shows (HR reads names there)
            wanted = asked["person"].casefold()
            ids = [
                p.id
                for p in self.parts.roster.everyone()
                if p.id == asked["person"] or p.name.casefold() == wanted
            ]
            entries = [e for pid in ids for e in outbox.for_person(pid, view.damaged)]
        elif asked["manager"]:
            reports = [p.id for p in self.parts.roster.everyone() if p.manager == asked["manager"]]
            entries = [e for r in reports for e in outbox.for_person(r, view.damaged)]
        else:
            entries = outbox.everything(view.damaged)
        since, until = _day(asked["since"]), _day(asked["until"])
        chosen = [
            e for e in sorted(entries, key=lambda e: e.due)
            if (not asked["kind"] or e.kind == asked["kind"])
            and (not asked["status"] or e.status == asked["status"])
            and (since is None or e.due.date() >= since)
            and (until is None or e.due.date() <= until)
        ]  # fmt: skip
        return [entry_row(view, e, words) for e in chosen[:LISTED]], len(chosen) > LISTED

    async def schedule_csv(self, request: web.Request) -> web.StreamResponse:
        """Every planned and sent message (when, what, for whom, how, its state) for a
        spreadsheet; a cell a spreadsheet would run as a formula is made text."""
        self.need(request, "hr")
        t = self.t(request)
        words = self.parts.schedule_config.texts(self.lang(request))
        # seconds at 10,000 people: not on the loop
        body = await asyncio.to_thread(self._schedule_rows, t, words)
        return web.Response(
            body=body,
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": 'attachment; filename="popbot-schedule.csv"'},
        )

    def _schedule_rows(self, t: dict[str, str], words: Texts) -> bytes:
        view = schedule_view(self.parts)
        columns = ("due", "kind", "person", "to", "via", "status", "detail")
        heads = ("day", "kind", "person", "to", "via", "status", "reason")  # the page's own words
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")  # as Dutch Excel opens it
        writer.writerow([t[h] for h in heads])
        for entry in view.outbox.everything(view.damaged):
            row = entry_row(view, entry, words)
            writer.writerow([_cell(str(row[c])) for c in columns])
        for what in view.damaged:  # marked, not dropped: the sheet says something is missing
            log.error("the schedule CSV passed over what it could not read: %s", what)
            writer.writerow(["", "", "", "", "", t["damaged_entry"], _cell(what)])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads it as UTF-8

    async def retry(self, request: web.Request) -> web.StreamResponse:
        session = self.need(request, "hr")
        key = str((await read_form(request)).get("key", ""))
        outbox = Outbox(self.parts.outbox_files)
        entry = outbox.get(key) if key else None
        if entry is None or entry.status != "failed":
            raise web.HTTPNotFound(text=self.t(request)["not_found"])
        outbox.retry(entry, self.parts.clock())
        self.audit("retried", email=session.email, kind=entry.kind)
        t = self.t(request)
        return await self.schedule(request, done=t["retried"].format(kind=entry.kind, person=entry.person))

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["file"]
        text = (resources.files("bot.app.web") / "static" / name).read_text(encoding="utf-8")
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return web.Response(text=text, content_type=kind)


def _url(request: web.Request, name: str) -> str:
    """A page's path, with the prefix the console is mounted at."""
    return str(request.app.router[name].url_for())


def console_app(parts: Parts) -> web.Application:
    """The console for a process's parts, to mount at /console."""
    secret = parts.settings.popbot_web_secret.get_secret_value()
    if not secret:  # sessions then end with the process; with replicas, set one for all
        log.warning("POPBOT_WEB_SECRET is not set: console sign-ins last until this process stops")
        secret = secrets.token_urlsafe(32)
    return Console(parts, secret.encode("utf-8"), parts.settings.popbot_web_min_group).app()


def _cell(text: str) -> str:
    """A spreadsheet cell that shows as text: one starting with = + - @ or a tab would run."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a date the browser's date field would not send: no limit
