"""Every setting popbot reads from the environment (or a `.env` file beside it), in one place.

Built once, in the composition root; nothing else in popbot reads the environment. Each chat
platform declares its own variables (its package's `settings` class), read here too
(`platform_settings`). The README's *Configuration* table lists all of them (a test keeps
the two in step).
Secrets are `SecretStr`: they never show in a repr or a log line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from bot.platform import Platform

LANGUAGES = ("nl", "en")  # the languages popbot ships its scripts and messages in


class Settings(BaseSettings):
    # Variables already set win over `.env` (as python-dotenv's override=False did).
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # where and how popbot keeps its data
    popbot_data_dir: Path = Path("./data")
    popbot_log_level: str = "INFO"
    popbot_log_format: Literal["text", "json"] = "text"  # json: one object a line, for a collector
    popbot_invite_days: int = Field(default=14, ge=1)
    popbot_schedule: Path | None = None  # another schedule.yaml than the bundled one
    popbot_schedule_interval: float = Field(default=60.0, gt=0)  # seconds between passes
    popbot_font_dir: Path | None = None  # a folder searched first for the PDF's fonts
    popbot_scripts_dir: Path | None = None  # HR's edited dialog scripts (default: <data dir>/dialogs)
    # PostgreSQL for every store instead of the files (several replicas on one database);
    # a secret: the URL may hold the password
    popbot_database_url: SecretStr = SecretStr("")
    popbot_outbox_lease: float = Field(default=300.0, gt=0)  # seconds a replica's claim on a send lasts

    # the browser console
    popbot_audit_key: SecretStr = SecretStr("")  # keys the erasure's pseudonym (else the web secret)
    popbot_web_secret: SecretStr = SecretStr("")  # signs its sessions: the same on every replica
    popbot_web_min_group: int = Field(default=5, ge=1)  # smaller groups' counts are not shown
    popbot_web_hr: str = ""  # e-mail addresses (comma-separated) that sign in as HR by OpenID Connect
    popbot_oidc_hr_group: str = ""  # directory groups (ids or names, comma-separated) whose members are HR
    popbot_oidc_hr_role: str = ""  # app roles (comma-separated) in the ID token that make someone HR
    popbot_web_idle_minutes: int = Field(default=30, ge=1)  # a console session unused that long ends
    popbot_web_session_hours: int = Field(default=8, ge=1)  # and any session ends this long after sign-in
    popbot_web_max_upload_mb: int = Field(default=20, ge=1, le=1024)  # the largest roster upload
    # proxies (addresses or networks, comma-separated) whose X-Forwarded-For/-Proto are believed
    popbot_trusted_proxies: str = ""
    popbot_oidc_email_claim: str = ""  # a claim the provider vouches for instead of a verified `email`
    popbot_oidc_issuer: str = ""  # the identity provider (https://login.microsoftonline.com/<tenant>/v2.0)
    popbot_oidc_client_id: str = ""
    popbot_oidc_client_secret: SecretStr = SecretStr("")

    # where browsers (and Teams) reach popbot (https://popbot.example.nl)
    popbot_public_url: str = ""

    # e-mail
    smtp_host: str = ""
    smtp_port: int | None = None  # 465 for ssl, else 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_sender: str = "popbot@localhost"
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")

    @field_validator("smtp_security", "popbot_log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "popbot_database_url",
        "popbot_web_secret",
        "popbot_audit_key",
        "popbot_oidc_client_secret",
        mode="before",
    )
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value  # a pasted token's newline

    @property
    def database_url(self) -> str:
        return self.popbot_database_url.get_secret_value()


def platform_settings(platform: Platform) -> Any:
    """A registered platform's own settings, from the same environment and `.env`."""
    return platform.settings()
