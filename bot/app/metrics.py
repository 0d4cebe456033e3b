"""Prometheus metrics for `/metrics`: turns and their latency, sends by kind, channel and
outcome, the outbox's due and failed entries, scheduler pass durations, HTTP requests by
route and status, console sign-in failures, each platform's throttling (429s) and retries,
the database pool's use, the process (memory, CPU, open files) and the build (version).
Labels never hold a person's id or anything they wrote — only kinds, route patterns,
channel names and outcomes.

A scrape never waits on the database: what needs it (is it up, the outbox's counts) is read
by a thread of its own at most every `REFRESH` seconds, and a scrape shows the last reading
(`popbot_database_seconds_since_reading` says how old it is)."""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, Info
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from bot.clock import Clock
from bot.errors import StorageError
from bot.messages import Part
from bot.platform import CALLS
from bot.ports import Channel, OutboxStore

REFRESH = 5.0  # seconds: how often the database's readings are taken again, at most


class Metrics:
    """The process's metrics, in a registry of their own (not the library's global one)."""

    def __init__(self, version: str = "") -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # memory, CPU seconds, open files, start time
        PlatformCollector(registry=self.registry)  # the Python it runs on
        GCCollector(registry=self.registry)
        Info("popbot_build", "This popbot's release", registry=self.registry).info(
            {"version": version or "unknown", "python": platform.python_version()}
        )
        self.requests = Counter(
            "popbot_http_requests", "HTTP requests answered, by route pattern, method and status",
            ["route", "method", "status"], registry=self.registry,
        )  # fmt: skip
        self.signin_failures = Counter(
            "popbot_console_signin_failures", "Console sign-ins refused, by reason",
            ["reason"], registry=self.registry,
        )  # fmt: skip
        self.registry.register(_CallsCollector())
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

    def request(self, route: str, method: str, status: int) -> None:
        """One HTTP request answered (`route` is its pattern, never the path)."""
        self.requests.labels(route, method if method in _METHODS else "other", str(status)).inc()

    def signin_failed(self, reason: str) -> None:
        """A console sign-in refused: a wrong password, throttled, refused by the provider, no role."""
        self.signin_failures.labels(reason).inc()

    def watch_pool(self, stats: Callable[[], dict[str, int]]) -> None:
        """The database pool's use at each scrape (its own counters: no query)."""
        self.registry.register(_PoolCollector(stats))

    def turn(self, seconds: float, saved: bool) -> None:
        self.turns.labels("answered" if saved else "not_saved").inc()
        self.turn_seconds.observe(seconds)

    def watch_outbox(self, outbox: OutboxStore, clock: Clock, up: Callable[[], object] | None = None) -> None:
        """The outbox's gauges at each scrape; `up` probes the database first (raising when it
        is down), so a scrape during an outage says so at once instead of waiting for it."""
        self.registry.register(_OutboxCollector(outbox, clock, up))

    def metered(self, channel: Channel) -> Channel:
        return _Metered(channel, self.sends)


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class _CallsCollector(Collector):
    """Each platform's 429s and retries, as its client counted them (`bot.platform.CALLS`)."""

    def collect(self) -> Iterator[CounterMetricFamily]:
        throttled = CounterMetricFamily(
            "popbot_platform_throttled",
            "Calls a platform answered with 429 (waited out)",
            labels=["platform"],
        )
        for name, n in sorted(CALLS.throttled.items()):
            throttled.add_metric([name], n)
        yield throttled
        retried = CounterMetricFamily(
            "popbot_platform_retries", "Calls to a platform tried again", labels=["platform"]
        )
        for name, n in sorted(CALLS.retried.items()):
            retried.add_metric([name], n)
        yield retried


class _PoolCollector(Collector):
    def __init__(self, stats: Callable[[], dict[str, int]]) -> None:
        self.stats = stats

    def collect(self) -> Iterator[GaugeMetricFamily]:
        got = self.stats()
        for key, help_text in (
            ("pool_size", "Connections the database pool holds"),
            ("pool_available", "Connections in the pool not in use"),
            ("requests_waiting", "Requests waiting for a connection from the pool"),
            ("pool_max", "The pool's largest size"),
        ):
            yield GaugeMetricFamily(f"popbot_database_{key}", help_text, value=got.get(key, 0))


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


class _Reading:
    """Families read by a thread of their own, at most every REFRESH seconds; `shown` gives
    the last reading at once and asks for the next when it is due."""

    def __init__(self, read: Callable[[], list[GaugeMetricFamily]]) -> None:
        self.read = read
        self._lock = threading.Lock()
        self._families: list[GaugeMetricFamily] = []
        self.at = 0.0  # monotonic time of the last reading (0: none yet)
        self._asked_at = -REFRESH
        self._busy = False
        self.take()  # the first scrape has a reading (a server starts with its database up)

    def take(self) -> None:
        """Read now, in the caller's thread (a reading that raises keeps the last one)."""
        families = None
        try:
            families = self.read()
        finally:
            with self._lock:
                self._busy = False
                if families is not None:
                    self._families, self.at = families, time.monotonic()

    def shown(self) -> list[GaugeMetricFamily]:
        with self._lock:
            now = time.monotonic()
            due = not self._busy and now - self._asked_at >= REFRESH
            if due:
                self._busy, self._asked_at = True, now
            families = list(self._families)
        if due:
            threading.Thread(target=self.take, name="popbot-metrics", daemon=True).start()
        return families


class _OutboxCollector(Collector):
    """Whether the database answers, and the outbox's gauges (from the due index: no entry is
    loaded): each read by a thread of its own, at most every REFRESH seconds — the probe is
    never held up by a query the pool makes wait for a connection. A scrape shows the last
    readings and never waits for the next (see the module)."""

    def __init__(
        self, outbox: OutboxStore, clock: Callable[[], Any], up: Callable[[], object] | None = None
    ) -> None:
        self.outbox = outbox
        self.clock = clock
        self.up = up
        self._up = _Reading(self._probe) if up is not None else None
        self._counts = _Reading(self._counted)

    def _probe(self) -> list[GaugeMetricFamily]:
        assert self.up is not None
        try:
            self.up()
            answers = True
        except StorageError:
            answers = False
        return [GaugeMetricFamily("popbot_database_up", "1 if the database answers, else 0", value=answers)]

    def _counted(self) -> list[GaugeMetricFamily]:
        try:
            return list(self._outbox())
        except StorageError:  # the database is down: the other metrics still go out
            return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._counts.shown()
        if self._up is not None:
            yield from self._up.shown()
            yield GaugeMetricFamily(
                "popbot_database_seconds_since_reading",
                "Age of the database's reading shown (taken in the background)",
                value=time.monotonic() - self._up.at,
            )

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
