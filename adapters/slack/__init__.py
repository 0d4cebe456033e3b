"""Slack: Bolt in, engine messages out (`adapters.slack.platform`)."""

from adapters.slack.platform import SlackPlatform

PLATFORM = SlackPlatform()
