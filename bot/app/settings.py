"""Every setting popbot reads from the environment (or a `.env` file beside it), in one place.

Built once, in the composition root; nothing else in popbot reads the environment. The
README's *Configuration* table lists the same variables (a test keeps the two in step).
Secrets are `SecretStr`: they never show in a repr or a log line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"
SLACK_API = "https://slack.com/api/"


LANGUAGES = ("nl", "en")  # the languages popbot ships its scripts and messages in


class Settings(BaseSettings):
    # Variables already set win over `.env` (as python-dotenv's override=False did).
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # where and how popbot keeps its data
    popbot_data_dir: Path = Path("./data")
    popbot_log_level: str = "INFO"
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
    popbot_web_idle_minutes: int = Field(default=30, ge=1)  # a console session unused that long ends
    popbot_web_session_hours: int = Field(default=8, ge=1)  # and any session ends this long after sign-in
    popbot_web_max_upload_mb: int = Field(default=20, ge=1, le=1024)  # the largest roster upload
    # proxies (addresses or networks, comma-separated) whose X-Forwarded-For/-Proto are believed
    popbot_trusted_proxies: str = ""
    popbot_oidc_email_claim: str = ""  # a claim the provider vouches for instead of a verified `email`
    popbot_oidc_issuer: str = ""  # the identity provider (https://login.microsoftonline.com/<tenant>/v2.0)
    popbot_oidc_client_id: str = ""
    popbot_oidc_client_secret: SecretStr = SecretStr("")

    # Telegram
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base_url: str = TELEGRAM_API
    telegram_bot_username: str = ""
    telegram_webhook_secret: SecretStr = SecretStr("")

    # Slack
    slack_bot_token: SecretStr = SecretStr("")
    slack_app_token: SecretStr = SecretStr("")  # Socket Mode
    slack_signing_secret: SecretStr = SecretStr("")  # HTTP mode
    slack_api_url: str = SLACK_API

    # Microsoft Teams
    teams_app_id: str = ""  # the bot's Entra app (client) id, a GUID
    teams_app_password: SecretStr = SecretStr("")  # its client secret …
    teams_certificate: Path | None = None  # … or a certificate (PFX file) instead
    teams_tenant_id: str = ""  # the tenants popbot serves (comma-separated GUIDs; the first is the app's)
    teams_max_rate: float = Field(default=25.0, ge=0)  # calls to Teams a second, per process
    teams_service_hosts: str = ""  # hosts besides Microsoft's that popbot may post to (a test connector)
    popbot_public_url: str = ""  # where Teams and browsers reach popbot (https://popbot.example.nl)

    # e-mail
    smtp_host: str = ""
    smtp_port: int | None = None  # 465 for ssl, else 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_sender: str = "popbot@localhost"
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")

    @field_validator("smtp_security", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "telegram_bot_token",
        "telegram_webhook_secret",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "popbot_database_url",
        "popbot_web_secret",
        "popbot_audit_key",
        "popbot_oidc_client_secret",
        "teams_app_password",
        mode="before",
    )
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value  # a pasted token's newline

    @property
    def telegram_on(self) -> bool:
        return bool(self.telegram_bot_token.get_secret_value())

    @property
    def database_url(self) -> str:
        return self.popbot_database_url.get_secret_value()

    @property
    def teams_on(self) -> bool:
        return bool(self.teams_app_id.strip())

    @property
    def slack_on(self) -> bool:
        return bool(self.slack_bot_token.get_secret_value())
