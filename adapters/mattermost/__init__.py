"""Mattermost: its REST API v4 and WebSocket in, engine messages out (`adapters.mattermost.platform`)."""

from adapters.mattermost.platform import MattermostPlatform

PLATFORM = MattermostPlatform()
