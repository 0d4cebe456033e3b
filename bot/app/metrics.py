"""Prometheus metrics for `/metrics`: turns and their latency, sends by kind, channel and
outcome, the outbox's due and failed entries, scheduler pass durations. Labels never hold a
person's id or anything they wrote — only kinds, channel names and outcomes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.clock import Clock
from bot.errors import StorageError
from bot.messages import Part
from bot.ports import Channel, OutboxStore


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "popbot_turns", "Chat turns answered, by outcome", ["outcome"], registry=self.registry
        )
        self.turn_seconds = Histogram(
            "popbot_turn_seconds",
            "Time from a message to its reply (load, apply, committed save)",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.sends = Counter(
            "popbot_sends", "Messages the schedule sent, by kind, channel and outcome",
            ["kind", "channel", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.pass_seconds = Histogram(
            "popbot_schedule_pass_seconds", "Duration of one scheduler pass",
            buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300), registry=self.registry,
        )  # fmt: skip

    def turn(self, seconds: float, saved: bool) -> None:
        self.turns.labels("answered" if saved else "not_saved").inc()
        self.turn_seconds.observe(seconds)

    def watch_outbox(self, outbox: OutboxStore, clock: Clock, up: Callable[[], object] | None = None) -> None:
        """The outbox's gauges at each scrape; `up` probes the database first (raising when it
        is down), so a scrape during an outage says so at once instead of waiting for it."""
        self.registry.register(_OutboxCollector(outbox, clock, up))

    def metered(self, channel: Channel) -> Channel:
        return _Metered(channel, self.sends)


def kind_of(key: str) -> str:
    """An outbox key is `person|conversation|kind[-n][#part]`: the kind, without the person."""
    parts = key.split("#", 1)[0].split("|")
    return parts[2].rstrip("-0123456789") if len(parts) > 2 else "other"


class _Metered:
    """A channel that counts what goes through it (the scheduler sees the same channel)."""

    def __init__(self, channel: Channel, sends: Counter) -> None:
        self.channel = channel
        self.name = channel.name
        self.whole = channel.whole
        self._sends = sends

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        try:
            await self.channel.send(address, parts, key, subject)
        except Exception:
            self._sends.labels(kind_of(key), self.name, "error").inc()
            raise
        self._sends.labels(kind_of(key), self.name, "sent").inc()

    async def was_sent(self, address: str, key: str) -> bool | None:
        return await self.channel.was_sent(address, key)

    def __getattr__(self, name: str) -> Any:  # anything else a channel offers (its bot, client)
        return getattr(self.channel, name)


class _OutboxCollector(Collector):
    """Read at each scrape, from the due index: no entry is loaded."""

    def __init__(
        self, outbox: OutboxStore, clock: Callable[[], Any], up: Callable[[], object] | None = None
    ) -> None:
        self.outbox = outbox
        self.clock = clock
        self.up = up

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.up is not None:
            try:
                self.up()
                answers = True
            except StorageError:
                answers = False
            yield GaugeMetricFamily(
                "popbot_database_up", "1 if the database answers, else 0", value=int(answers)
            )
            if not answers:
                return
        try:
            yield from self._outbox()
        except StorageError:  # gone between the probe and the query: the other metrics still go out
            return

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        now = self.clock()
        due = GaugeMetricFamily(
            "popbot_outbox_due", "Open outbox entries due by now, by kind", labels=["kind"]
        )
        totals: dict[str, int] = {}
        for (_hour, kind), n in self.outbox.due_counts(now - timedelta(days=31), now).items():
            totals[kind] = totals.get(kind, 0) + n
        for kind, n in sorted(totals.items()):
            due.add_metric([kind], n)
        yield due
        yield GaugeMetricFamily(
            "popbot_outbox_failed", "Outbox entries that failed", value=len(self.outbox.failed_entries())
        )
