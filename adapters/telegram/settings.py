"""The variables popbot reads for Telegram (the README's *Configuration* table lists them)."""

from __future__ import annotations

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"


class TelegramSettings(BaseSettings):
    """The bot's token, the Bot API it talks to, its username and the webhook's secret."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base_url: str = TELEGRAM_API
    telegram_bot_username: str = ""
    telegram_webhook_secret: SecretStr = SecretStr("")

    @field_validator("telegram_bot_token", "telegram_webhook_secret", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value  # a pasted token's newline

    @property
    def username(self) -> str:
        return self.telegram_bot_username.strip().lstrip("@")
