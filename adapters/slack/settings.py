"""The variables popbot reads for Slack (the README's *Configuration* table lists them)."""

from __future__ import annotations

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API = "https://slack.com/api/"


class SlackSettings(BaseSettings):
    """The app's bot token, and how Slack reaches it: Socket Mode's app token or HTTP's
    signing secret; the Web API it calls."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr = SecretStr("")
    slack_app_token: SecretStr = SecretStr("")  # Socket Mode
    slack_signing_secret: SecretStr = SecretStr("")  # HTTP mode
    slack_api_url: str = SLACK_API

    @field_validator("slack_bot_token", "slack_app_token", "slack_signing_secret", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value  # a pasted token's newline
