"""Telegram: python-telegram-bot in, engine messages out (`adapters.telegram.platform`)."""

from adapters.telegram.platform import TelegramPlatform

PLATFORM = TelegramPlatform()
