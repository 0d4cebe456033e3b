"""The variables popbot reads for Microsoft Teams (the README's *Configuration* table)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class TeamsSettings(BaseSettings):
    """The bot's Entra app, the tenants it serves, how fast it may call Teams, and popbot's
    public address (the download links and the app package name it)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    teams_app_id: str = ""  # the bot's Entra app (client) id, a GUID
    teams_app_password: SecretStr = SecretStr("")  # its client secret …
    teams_certificate: Path | None = None  # … or a certificate (PFX file) instead
    teams_tenant_id: str = ""  # the tenants popbot serves (comma-separated GUIDs; the first is the app's)
    teams_max_rate: float = Field(default=25.0, ge=0)  # calls to Teams a second, per process
    teams_service_hosts: str = ""  # hosts besides Microsoft's that popbot may post to (a test connector)
    popbot_public_url: str = ""  # where Teams and browsers reach popbot (https://popbot.example.nl)

    @field_validator("teams_app_password", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value  # a pasted secret's newline
