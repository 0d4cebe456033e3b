"""`popbot chat`, `popbot draft` and `popbot dialogs preview`: the dialog in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from pydantic import SecretStr

from adapters.console import ConsoleInbox, run_console
from bot.app.runtime import watching
from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.dialog.script import load_script
from bot.people.roster import Person
from bot.people.team import prep_id
from storage.atomic import AtomicFile


async def _chat(parts: Parts, user: str, inbox: bool = True) -> None:
    engine = parts.engine
    box = ConsoleInbox(parts.store) if inbox else None

    def save(name: str, content: bytes) -> Path | None:
        assert box is not None
        parts.store.save_file(user, name, content, export=True)
        return box.where(user, name, export=True)

    try:
        async with watching(engine, parts.polled_edits()):
            await run_console(engine, user, language=parts.language, inbox=box, save=save if box else None)
    finally:
        if box is not None:
            box.close()


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings, language=args.lang, script=args.script)
    try:
        asyncio.run(_chat(parts, args.user))
    except KeyboardInterrupt:
        print()
    return 0


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    # A throw-away store: HR walks through a change without touching real data.
    with tempfile.TemporaryDirectory(prefix="popbot-preview-") as tmp:
        loaded = load_script(args.file)
        # files in the temporary folder even when the real data are in a database
        local = settings.model_copy(update={"popbot_database_url": SecretStr("")})
        parts = Parts(local, language=loaded.script.language, script=args.file, data_dir=Path(tmp))
        asyncio.run(_chat(parts, "preview", inbox=False))
    return 0


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings, language=args.lang, script=args.script)
    if args.pdf or args.alignment:
        return _draft_pdf(parts, args.employee, args.alignment, args.output)
    text = asyncio.run(parts.engine.draft(args.employee))
    if text is None:
        print(f"popbot: no data for employee '{args.employee}' in {parts.data_dir}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


def _draft_pdf(parts: Parts, employee: str, alignment: bool, output: Path | None) -> int:
    """The PDF as the manager gets it a week before: from the roster's names and date when
    the employee is in it, else the answers alone (someone trying popbot without a roster)."""
    from bot.documents.draft import build_draft
    from bot.schedule.compose import Composer, alignment_pdf_of, pdf_of

    engine = parts.engine
    record = parts.store.load(employee)
    person = parts.roster.get(employee)
    if record is None and person is None:
        print(f"popbot: no data for employee '{employee}' in {parts.data_dir}", file=sys.stderr)
        return 1
    config = parts.schedule_config
    composer = Composer(
        config, engine.scripts, managers=engine.managers, load=parts.store.load,
        font_dirs=parts.font_dirs, organisation=engine.organisation,
    )  # fmt: skip
    now = parts.clock()
    manager = parts.roster.get(person.manager) if person is not None and person.manager else None
    logo = config.letterhead.logo
    if alignment:
        if person is None or manager is None:
            print(f"popbot: '{employee}' has no manager in the roster: no alignment summary", file=sys.stderr)
            return 1
        prep = parts.store.load(prep_id(manager.id, person.id, person.conversation))
        data = alignment_pdf_of(composer.alignment(person, manager, record, prep, now), parts.font_dirs, logo)
        texts = config.texts(manager.language)
        name = composer.filename(texts, person, texts.alignment_filename)
    elif person is not None:
        reader = manager or person
        data = pdf_of(composer.draft(person, reader, record, now), parts.font_dirs, logo)
        name = composer.filename(config.texts(reader.language), person)
    else:
        assert record is not None
        loaded = engine.turn(record).loaded
        doc = build_draft(loaded, record, now, organisation=config.letterhead.organisation)
        data = pdf_of(doc, parts.font_dirs, logo)
        name = composer.filename(config.texts(record.language), Person(employee, employee, record.language))
    target = output or Path(name)
    AtomicFile(target).write_bytes(data)  # personal data: readable by its owner only
    print(target)
    return 0
