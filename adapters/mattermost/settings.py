"""The variables popbot reads for Mattermost (the README's *Configuration* table lists them)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class MattermostSettings(BaseSettings):
    """The server, the bot account's token, the slash command's token, how fast popbot may
    call the server, and where the server posts a pressed button (popbot's public address)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    mattermost_url: str = ""  # https://chat.example.nl — the one server popbot talks to
    mattermost_bot_token: SecretStr = SecretStr("")  # the bot account's access token
    mattermost_slash_token: SecretStr = SecretStr("")  # the /pop command's token (else no command)
    mattermost_max_rate: float = Field(default=10.0, gt=0)  # calls a second (the server's default limit)
    popbot_public_url: str = ""  # where the server posts a pressed button (…/mattermost/actions)

    @field_validator("mattermost_bot_token", "mattermost_slash_token", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value  # a pasted token's newline
