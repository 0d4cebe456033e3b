"""E-mail for people without a chat account: one message per outbox entry, the PDF attached.

Sent with the standard library's `smtplib` (STARTTLS or SSL when configured).
The Message-ID is derived from the outbox key, so a message sent again after
a crash carries the same id and mail clients show it once.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from bot.messages import Part


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = "popbot@localhost"
    user: str = ""
    password: str = ""
    security: str = "starttls"  # starttls | ssl | none
    timeout: float = 30.0

    def __repr__(self) -> str:  # never print the password
        return f"SmtpSettings(host={self.host!r}, port={self.port}, sender={self.sender!r})"


def message_id(key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "popbot"
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


class EmailChannel:
    name = "email"
    whole = True

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def build(self, address: str, parts: list[Part], key: str, subject: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.settings.sender
        msg["To"] = address
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = message_id(key, self.settings.sender)
        body = [p.text for p in parts if p.kind in ("text", "button")]
        msg.set_content("\n\n".join(body) or subject)
        for p in parts:
            if p.kind == "document":
                maintype, _, subtype = (p.mime or "application/octet-stream").partition("/")
                msg.add_attachment(
                    base64.b64decode(p.data), maintype=maintype, subtype=subtype, filename=p.filename
                )
        return msg

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        msg = self.build(address, parts, key, subject)
        await asyncio.to_thread(self._send, msg)

    def _send(self, msg: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with smtp:
            if s.security == "starttls":
                smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, s.password)
            smtp.send_message(msg)

    async def was_sent(self, address: str, key: str) -> bool | None:
        return None  # SMTP cannot tell; the stable Message-ID makes a repeat one message to clients
