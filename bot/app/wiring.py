"""Building the parts of one process from the settings: one store per port, one engine, the
scheduler and its channels.

The command-line commands and `popbot serve` use `Parts`; tests build the scheduler with
`build_scheduler` and their own clock and fake platforms.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.app import platforms
from bot.app.settings import LANGUAGES, Settings, platform_settings
from bot.app.stores import open_stores, scripts_folder
from bot.clock import Clock, utc_now
from bot.documents.font_dirs import FONT_DIRS
from bot.errors import PopbotError
from bot.people.access import Access
from bot.people.privacy import PersonalData
from bot.people.roster import Person, Roster
from bot.schedule.outbox import Outbox
from bot.schedule.timeline import ScheduleConfig, load_schedule
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from storage.script_edits import ScriptEditFolder

# The engine, the scripts' parser, the composer and the channels are imported where they are
# built: HR's views (`schedule status`, `roster show`) need none of them, and importing them
# was most of those commands' time (~0.5 s of ~1.2 s at 10,000 people).
if TYPE_CHECKING:
    from adapters.email import SmtpSettings
    from bot.app.metrics import Metrics
    from bot.dialog.registry import ScriptRegistry
    from bot.engine.engine import Engine
    from bot.platform import Platform
    from bot.ports import Channel
    from bot.schedule.background import Background
    from bot.schedule.planner import Planner
    from bot.schedule.scheduler import Scheduler
    from storage.postgres.outbox import PostgresOutbox
    from storage.postgres.store import PostgresStore

log = logging.getLogger("popbot")


class Parts:
    """Everything one process needs, each built once and handed to whoever needs it."""

    def __init__(
        self,
        settings: Settings,
        *,
        language: str = "nl",
        script: str | Path | None = None,
        data_dir: Path | None = None,
        clock: Clock = utc_now,
        platform_settings: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        # a platform's own settings given here (the tests' fakes), else read from the environment
        self._platform_settings = dict(platform_settings or {})
        self.language = language  # for someone new, when the roster does not say
        self.script = Path(script) if script else None  # another employee script than the bundled
        self.data_dir = data_dir or settings.popbot_data_dir
        self.clock = clock
        self.stores = open_stores(settings, self.data_dir)
        self.store = self.stores.people  # records, roster, access, inbox: one object
        self.outbox_files = self.stores.outbox
        self.access = Access(
            self.store, clock, timedelta(days=settings.popbot_invite_days), accounts=platforms.accounts()
        )
        self.roster = Roster(self.store)
        audit_key = (
            settings.popbot_audit_key.get_secret_value() or settings.popbot_web_secret.get_secret_value()
        )
        self.personal = PersonalData(
            self.store, self.outbox_files, self.access, clock, pseudonym_key=audit_key.encode("utf-8")
        )

    def where_data(self) -> str:
        """Where this process keeps its data, for the log: the database (no password), or the folder."""
        database = self.stores.database
        if database is not None:
            return f"PostgreSQL at {database.where}"
        return f"the files under {self.data_dir.resolve()}"

    def platform_settings(self, platform: Platform) -> Any:
        """A platform's own settings (its package's class), read once."""
        if platform.name not in self._platform_settings:
            self._platform_settings[platform.name] = platform_settings(platform)
        return self._platform_settings[platform.name]

    def configured(self) -> list[Platform]:
        """The platforms whose settings say to start them, in the registry's order."""
        return [p for p in platforms.registered() if p.configured(self.platform_settings(p))]

    def _family(self, name: str) -> ScriptRegistry:
        from bot.dialog.registry import EditedScript, ScriptRegistry, Source
        from bot.dialog.script import bundled_script_path

        sources: list[Source] = [
            (self.script_path(name, lang) or bundled_script_path(name, lang))
            if self.edits_in_files
            else EditedScript(self.stores.edits, name, lang)
            for lang in LANGUAGES
        ]
        return ScriptRegistry(sources, archive=self.stores.scripts, default_language=self.language)

    @property
    def edits_in_files(self) -> bool:
        """Whether HR's edited scripts are files (watched), not rows of the database (polled)."""
        return isinstance(self.stores.edits, ScriptEditFolder)

    def polled_edits(self) -> Callable[[], str] | None:
        """The marker of edits kept in the database, for the runtime to poll (None: files)."""
        return None if self.edits_in_files else self.stores.edits.script_edits_marker

    @property
    def scripts_dir(self) -> Path:
        """Where HR's edited dialog scripts live as files (the console saves there, unless
        the database keeps them); a script not there is the bundled one."""
        return scripts_folder(self.settings, self.data_dir)

    def script_path(self, name: str, language: str) -> Path | None:
        """HR's edited `name.language.yaml` as a file, if there is one."""
        edits = self.stores.edits
        return edits.edited_path(name, language) if isinstance(edits, ScriptEditFolder) else None

    @cached_property
    def schedule_config(self) -> ScheduleConfig:
        return load_schedule(self.settings.popbot_schedule)

    def kind_names(self, language: str) -> dict[str, str]:
        """The schedule's names for its kinds of message and their states, in a language."""
        texts = self.schedule_config.texts(language)
        return {**texts.kinds, **texts.statuses}

    def _recover(self) -> None:
        """What a kill left behind, put right before anything else is done."""
        self.store.sweep_leftovers()  # a writer's temporary file: a copy of someone's answers
        for pseudonym in self.personal.finish_unfinished():  # a crash cut an erasure off
            log.warning("finished an interrupted erasure (%s)", pseudonym)

    @cached_property
    def engine(self) -> Engine:
        from bot.dialog.registry import ScriptRegistry
        from bot.engine.engine import Engine
        from bot.people.team import RosterTeam

        self._recover()
        employees = (
            ScriptRegistry([self.script], archive=self.stores.scripts, default_language=self.language)
            if self.script
            else self._family("pop")
        )
        return Engine(
            employees,
            self.store,
            managers=self._family("manager"),
            team=RosterTeam(self.roster),
            follow_ups=self._family("followup"),
            evaluations=self._family("evaluation"),
            personal=self.personal,
            organisation=self._family("organisation"),
            outbox=Outbox(self.outbox_files),  # a POP changed during the year is agreed again
            agreement_window=self.schedule_config.timeline.agreement_window,
            kind_names=self.kind_names,
            checkin_question=self.schedule_config.follow_up.checkin_question,
            milestones=self.store,
            clock=self.clock,
        )

    @cached_property
    def metrics(self) -> Metrics:
        from bot.app.metrics import Metrics
        from bot.app.release import version

        metrics = Metrics(version())
        database = self.stores.database
        metrics.watch_outbox(self.outbox_files, self.clock, up=None if database is None else database.probe)
        if database is not None:
            metrics.watch_pool(database.work.get_stats)
        return metrics

    def ready(self) -> list[str]:
        """Why this process cannot serve now (empty: it can) — for `/readyz`."""
        problems = []
        if "engine" not in self.__dict__:
            problems.append("the dialog scripts are not loaded yet")
        database = self.stores.database
        if database is not None:
            from storage.postgres.database import check_schema

            try:
                check_schema(database, probe=True)  # reachable, and the schema this release needs
            except PopbotError as exc:
                problems.append(str(exc))
        return problems

    def channels(self, chats: dict[str, Channel] | None = None) -> dict[str, Channel]:
        """The console inbox, e-mail when SMTP is configured, and the chat platforms given
        (by platform name, as each platform's `start` or `sender` gave them)."""
        from adapters.console import ConsoleInbox
        from adapters.email import EmailChannel

        channels: dict[str, Channel] = {"console": ConsoleInbox(self.store)}
        smtp = smtp_settings(self.settings)
        if smtp is not None:
            channels["email"] = EmailChannel(smtp)
        channels.update(chats or {})
        if "metrics" in self.__dict__:  # a server: what goes out is counted
            return {name: self.metrics.metered(channel) for name, channel in channels.items()}
        return channels

    def scheduler(self, chats: dict[str, Channel] | None = None) -> Scheduler:
        """The scheduler that plans and sends, through the chat platforms given."""
        engine = self.engine
        scheduler = build_scheduler(
            self.data_dir,
            engine.scripts,
            self.channels(chats),
            clock=self.clock,
            schedule_file=self.settings.popbot_schedule,
            invite_link=self.invite_link(),
            managers=engine.managers,
            follow_ups=engine.follow_ups,
            evaluations=engine.evaluations,
            organisation=engine.organisation,
            stores=(self.store, self.outbox_files, self.access),
            font_dirs=self.font_dirs,
        )
        scheduler.finish_import()  # a roster import cut off by a kill: its new roster, whole
        return scheduler

    def planner(self) -> Planner:
        """What plans (a roster import, a re-plan): no dialog script and no channel loaded."""
        from bot.schedule.planner import Planner

        self._recover()
        planner = Planner(
            roster=self.roster,
            store=self.store,
            outbox=Outbox(self.outbox_files),
            config=self.schedule_config,
            clock=self.clock,
            milestones=self.store,
            manager_prep=True,  # the bundled managers' script is always there
        )
        planner.finish_import()  # a roster import cut off by a kill: its new roster, whole
        return planner

    def finish_interrupted_import(self) -> None:
        """For views: they show the old roster or the new one, whole."""
        if self.store.pending_plan() is not None:
            self.planner()

    def background(self, chats: dict[str, Channel] | None = None) -> Background:
        """The schedule's passes every interval, and the retention purge, while a server runs."""
        from bot.schedule.background import Background

        scheduler = self.scheduler(chats)
        return Background(
            scheduler, interval=self.settings.popbot_schedule_interval, purge=self.retention(scheduler)
        )

    def retention(self, scheduler: Scheduler) -> Callable[[], dict[str, int] | None]:
        """The retention purge, in one process at a time among every replica and cron job:
        what it erased, or None when another was running it."""
        from bot.schedule.background import retention

        purge, jobs = retention(self.personal, scheduler), self.outbox_files

        def once() -> dict[str, int] | None:
            with jobs.job_lock("retention") as mine:
                return purge() if mine else None

        return once

    @property
    def font_dirs(self) -> tuple[Path, ...]:
        extra = self.settings.popbot_font_dir
        return (extra, *FONT_DIRS) if extra else FONT_DIRS

    def invite_link(self) -> Callable[[Person], str | None] | None:
        """For an e-mailed invitation: the personal link that binds the person's account on
        their platform, where their platform has one."""
        links = {
            p.name: link
            for p in platforms.registered()
            if (link := p.invite_link(self.platform_settings(p), self.access)) is not None
        }
        if not links:
            return None

        def personal(person: Person) -> str | None:
            found = links.get(person.platform)
            return found(person) if found is not None else None

        return personal

    def chat_link(self, person: Person | None) -> str:
        """Where this person opens popbot on their platform (the managers' page), or ""."""
        if person is None or person.platform not in platforms.accounts():
            return ""
        platform = platforms.named(person.platform)
        return platform.chat_link(self.platform_settings(platform))


def build_scheduler(
    data_dir: Path,
    scripts: ScriptRegistry,
    channels: dict[str, Channel],
    *,
    clock: Clock = utc_now,
    schedule_file: str | Path | None = None,
    invite_link: Callable[[Person], str | None] | None = None,
    managers: ScriptRegistry | None = None,
    follow_ups: ScriptRegistry | None = None,
    evaluations: ScriptRegistry | None = None,
    organisation: ScriptRegistry | None = None,
    stores: tuple[TinyDBStore | PostgresStore, OutboxFiles | PostgresOutbox, Access] | None = None,
    font_dirs: tuple[Path, ...] = FONT_DIRS,
) -> Scheduler:
    """The scheduler over a data folder (with the process's stores when it has them)."""
    from bot.schedule.compose import Composer
    from bot.schedule.scheduler import Scheduler

    store, outbox, access = stores or (TinyDBStore(data_dir), OutboxFiles(data_dir), None)
    access = access or Access(store, clock, accounts=platforms.accounts())
    config = load_schedule(schedule_file)
    missing = sorted(set(scripts.languages) - set(config.messages))
    if missing:
        raise PopbotError(f"the schedule has no messages for {', '.join(missing)} (dialogs/schedule.yaml)")
    _check_checkin_question(config, scripts)
    composer = Composer(
        config,
        scripts,
        invite_link,
        managers,
        follow_ups,
        evaluations,
        store.load,
        font_dirs=font_dirs,
        organisation=organisation,
    )
    return Scheduler(
        roster=Roster(store),
        store=store,
        access=access,
        outbox=Outbox(outbox),
        composer=composer,
        config=config,
        channels=channels,
        clock=clock,
        milestones=store,
    )


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    from adapters.email import SmtpSettings

    host = settings.smtp_host.strip()
    if not host:
        return None
    security = settings.smtp_security
    return SmtpSettings(
        host=host,
        port=settings.smtp_port or (465 if security == "ssl" else 587),
        sender=settings.smtp_sender,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value(),
        security=security,
    )


def _check_checkin_question(config: ScheduleConfig, scripts: ScriptRegistry) -> None:
    """The schedule's `checkin_question` names a choice question of the employee's script, and
    its `checkin_choices` that question's options: said at start, not found out a year later."""
    from bot.dialog.questions import ChoiceQuestion

    follow = config.follow_up
    if follow.checkin_question is None:
        return
    for loaded in scripts.current.values():
        q = loaded.questions.get(follow.checkin_question)
        options = {o.id for o in q.options} if isinstance(q, ChoiceQuestion) else None
        if options is None or not set(follow.checkin_choices) <= options:
            raise PopbotError(
                f"schedule.yaml: follow_up.checkin_question '{follow.checkin_question}' must be a choice "
                f"question of {loaded.path} whose options include {', '.join(sorted(follow.checkin_choices))}"
            )
