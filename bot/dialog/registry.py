"""Which script version each employee talks to, and switching to edited ones.

HR edits a script while people are halfway through it. The registry keeps
every version that someone may still use:

- `reload()` reads the script files again; a good edit becomes the current
  version of its language, a broken one is refused (logged with its line) and
  the old one stays live.
- `for_record()` picks an employee's version: the current one if it still
  has the question they are on (answers are keyed by id, so a reworded
  question keeps its answer), otherwise the version they started with.
- Every version is archived in the store (`bot.ports.ScriptArchive`: the data
  folder, or the database every replica shares), so after a restart — or on
  another replica — an employee on an old version still finds it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptError
from bot.dialog.script import bundled_script_path, load_script, parse_script
from bot.domain import DONE, START, EmployeeRecord
from bot.errors import PopbotError
from bot.ports import ScriptArchive, ScriptEdits

log = logging.getLogger("popbot.scripts")


class EditedScript:
    """A script HR may have edited in the console, kept by `ScriptEdits` (the database every
    replica reads): the newest saved version, else the bundled one — read again at each reload."""

    def __init__(self, edits: ScriptEdits, name: str, language: str) -> None:
        self.edits = edits
        self.name = name
        self.language = language

    def load(self) -> LoadedScript:
        """The script as it is now (raises ScriptError for a broken one)."""
        text = self.edits.edited_script(self.name, self.language)
        if text is None:
            return load_script(bundled_script_path(self.name, self.language))
        return parse_script(text, str(self))

    def __str__(self) -> str:
        return f"{self.name}.{self.language}.yaml (edited in the console)"


Source = Path | EditedScript  # a script file (watched), or an edit kept in the store (polled)


def _load(source: Source) -> LoadedScript:
    return load_script(source) if isinstance(source, Path) else source.load()


class ScriptRegistry:
    """The live scripts, per language: the current version of each (reloaded when HR edits a
    file, or saves an edit every replica reads) and every earlier version a record still
    answers to (`for_record`)."""

    def __init__(
        self, paths: list[Source], archive: ScriptArchive | None = None, default_language: str = "nl"
    ) -> None:
        self.paths = list(paths)
        self.archive = archive
        self.current: dict[str, LoadedScript] = {}
        self.versions: dict[str, LoadedScript] = {}
        for path in self.paths:  # at start a broken script is fatal: raise
            self._adopt(_load(path))
        if not self.current:
            raise PopbotError("no dialog scripts were given")
        self.default_language = (
            default_language if default_language in self.current else next(iter(self.current))
        )

    @classmethod
    def of(cls, *scripts: LoadedScript, default_language: str = "nl") -> ScriptRegistry:
        """A registry of scripts already loaded (tests, benchmarks): no files watched."""
        reg = cls.__new__(cls)
        reg.paths, reg.archive, reg.current, reg.versions = [], None, {}, {}
        for s in scripts:
            reg._adopt(s)
        reg.default_language = (
            default_language if default_language in reg.current else scripts[0].script.language
        )
        return reg

    def _adopt(self, loaded: LoadedScript) -> bool:
        lang = loaded.script.language
        old = self.current.get(lang)
        self.versions[loaded.version] = loaded
        self.current[lang] = loaded
        self._archive(loaded)
        return old is None or old.version != loaded.version

    def _archive(self, loaded: LoadedScript) -> None:
        if self.archive is not None:
            self.archive.archive_script(loaded.version, loaded.text)

    def reload(self) -> list[str]:
        """Read every script again; returns the versions that went live."""
        live = []
        for path in self.paths:
            try:
                loaded = _load(path)
            except ScriptError as exc:
                for problem in exc.problems:
                    log.error("script edit refused, the previous version stays live: %s", problem)
                continue
            except Exception:  # load_script says ScriptError for any script; this is a bug of ours
                log.exception("script edit refused, the previous version stays live: %s", path)
                continue
            if self._adopt(loaded):
                log.info("script %s is live as version %s", path, loaded.version)
                live.append(loaded.version)
        return live

    @property
    def languages(self) -> dict[str, str]:
        """Language code → its name, of every loaded script."""
        return {lang: s.script.language_name for lang, s in self.current.items()}

    def for_language(self, language: str | None) -> LoadedScript:
        """The current script in a language (the default language's when it has none)."""
        return self.current.get(language or "", self.current[self.default_language])

    def for_record(self, record: EmployeeRecord) -> LoadedScript:
        """The script version a record was started on (archived), so a changed script never strands it."""
        current = self.for_language(record.language)
        if record.script_version in ("", current.version):
            return current
        if record.state in (START, DONE) or record.state in current.questions:
            return current  # they move on in the new version
        old = self.versions.get(record.script_version) or self._from_archive(record.script_version)
        if old is not None and old.script.language == current.script.language:
            return old
        return current  # their version is gone: the engine finds them a place in this one

    def _from_archive(self, version: str) -> LoadedScript | None:
        if self.archive is None:
            return None
        try:
            text = self.archive.script_text(version)
            if text is None:
                return None
            loaded = parse_script(text, f"archived script {version}")
        except (OSError, ScriptError, PopbotError):
            log.exception("archived script version %s cannot be read", version)
            return None
        self.versions[version] = loaded
        return loaded
