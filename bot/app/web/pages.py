"""What a page module uses of the console (`bot.app.web.app.Console`): its parts, rendering,
the role check, the words, the audit — so page modules need not import the app itself."""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.app.web.session import Session
from bot.app.wiring import Parts


class Console(Protocol):
    parts: Parts
    max_upload: int  # bytes: the largest roster a form may send

    def page(self, request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response: ...
    def need(self, request: web.Request, role: str) -> Session: ...
    def t(self, request: web.Request) -> dict[str, str]: ...
    def t_for(self, language: str) -> dict[str, str]: ...
    def lang(self, request: web.Request) -> str: ...
    def audit(self, event: str, **params: object) -> None: ...


async def read_form(request: web.Request) -> Any:
    """The request's form; a body that is not one (a multipart without its boundary, a broken
    part) is the sender's mistake: 400, not a 500."""
    try:
        return await request.post()
    except (ValueError, AssertionError, UnicodeError, HttpProcessingError):
        raise web.HTTPBadRequest(text="not a form\n") from None
