"""`popbot config example`: `.env.example`, written from the settings models."""

from __future__ import annotations

import argparse
import sys

from bot.app.configuration import env_example, models
from bot.app.settings import Settings


def cmd_config_example(args: argparse.Namespace, _settings: Settings) -> int:
    text = env_example(models())
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")  # defaults only: no secret, no personal data
    return 0
