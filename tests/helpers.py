"""A small driver that talks to the engine like a person: say(...), then look."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot import Engine, Incoming, load_script
from bot.app.platforms import accounts
from bot.dialog.registry import ScriptRegistry
from bot.dialog.script import bundled_script_path
from bot.messages import Document, Outgoing, Question, Text
from bot.people.roster import Roster, parse_roster
from storage import TinyDBStore

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
# The conversation's date in the routes: typed only where it is asked (no roster date).
DATE_IF_ASKED = "14-12-2026"
NL = load_script(bundled_script_path("pop", "nl"))
EN = load_script(bundled_script_path("pop", "en"))


def make_engine(data_dir: object, now: datetime = NOW) -> Engine:
    return Engine({"nl": NL, "en": EN}, TinyDBStore(str(data_dir)), clock=lambda: now)


def text_of(out: list[Outgoing]) -> str:
    parts: list[str] = []
    for o in out:
        if isinstance(o, Text | Question):
            parts.append(o.text)
        elif isinstance(o, Document):
            parts.append(o.content if isinstance(o.content, str) else o.filename)
    return "\n".join(parts)


@dataclass
class Chat:
    engine: Engine
    user: str = "emp1"
    last: list[Outgoing] = field(default_factory=list)

    async def start(self) -> list[Outgoing]:
        self.last = await self.engine.start(self.user)
        return self.last

    async def say(self, text: str, delivery_id: str | None = None) -> list[Outgoing]:
        if text == DATE_IF_ASKED and self.last and self.question.question_id != "gespreksdatum":
            return self.last  # the roster gave the conversation's date: it is not asked
        self.last = await self.engine.handle(self.user, Incoming.say(text, delivery_id))
        return self.last

    async def press(self, question_id: str, option_id: str) -> list[Outgoing]:
        self.last = await self.engine.handle(self.user, Incoming.press(question_id, option_id))
        return self.last

    @property
    def text(self) -> str:
        return text_of(self.last)

    @property
    def question(self) -> Question:
        qs = [o for o in self.last if isinstance(o, Question)]
        assert qs, f"no question in the last reply: {self.text!r}"
        return qs[-1]

    @property
    def document(self) -> Document:
        docs = [o for o in self.last if isinstance(o, Document)]
        assert docs, f"no document in the last reply: {self.text!r}"
        return docs[-1]

    async def record(self):  # type: ignore[no-untyped-def]
        return self.engine.store.load(self.user)


# One answer per question of the full route, chosen so each is findable in the draft.
FULL_ROUTE: list[str] = [
    "1",  # route: volledig
    "Plannen en klanten helpen",  # goed_in
    "Puzzelen met roosters; dat wil ik vaker doen",  # leukste
    "Waar krijg ik energie van: samenwerken met collega's",  # energie
    "4",  # energie_score
    "Het klantcontact",  # gemotiveerd
    "De nieuwe planning die ik opzette",  # tevreden
    "Het project Zonnebloem op tijd afgerond",  # successen
    "Administratie",  # niet_graag
    "Eerlijk zijn tegen klanten",  # normen_waarden (seed 003)
    "GEHEIM-tegenop-marker",  # tegenop (private)
    "Drukte in december",  # uitdaging
    "Beter delegeren",  # ontwikkelpunten
    "Goed, met ruimte voor groei",  # functioneren
    "Soms mis ik uitdaging",  # vertrekredenen (optional reflection, seed 004)
    "GEHEIM-hobby-marker",  # buiten_werk (private)
    "Meer ruimte om te plannen",  # plezier
    "Senior planner worden",  # ambities_functie
    "Over vijf jaar teamleider",  # ambities_lang
    "Richting leidinggeven",  # richting
    "Trainingen geven",  # andere_werkzaamheden
    "Teamleider",  # functies
    "Coachen",  # talenten
    "Leidinggeven en Excel",  # leren
    "Een cursus Excel",  # nodig_werk
    "Betere planning voor de afdeling",  # afdelingsplan
    "Een mentor en tijd",  # loopbaanwensen
    "2, 6, 13",  # ontwikkeltools
    "Lid worden van de OR",  # andere_acties
    # doelen: one goal, then "nee"
    "Klantgericht werken",
    "Zes donderdagmiddagen meewerken op de servicebalie",
    "Ik kan zelfstandig klanten te woord staan",
    "15 maart tot 1 mei 2027",
    "ja",  # haalbaar: tijd, budget en steun zijn er
    "24 werkuren supervisie",
    "kort",
    "hoog",  # prioriteit
    "nee",  # geen doel meer
    DATE_IF_ASKED,  # gespreksdatum, when the roster has no date
    "Mijn doorgroei naar teamleider",  # bespreken
    "Budget voor een cursus",  # steun
    "Eerst de cursus, dan zelf een team plannen",  # plan_aanpak (seed 002)
    "2",  # evaluatiemoment: kwartaal
    "In een logboek",  # bijhouden
    "ja",  # afspraak_klaar
]


async def answer_until(chat: Chat, question_id: str, answers: list[str] = FULL_ROUTE) -> None:
    """Answer from `answers` until `question_id` is on screen (the chat must have started)."""
    for a in answers:
        if chat.question.question_id == question_id:
            return
        await chat.say(a)
    raise AssertionError(f"never reached {question_id}")


async def add_a_goal(chat: Chat) -> None:
    """After the dialog, from the 'wijzig' list: add a goal (Een vergadering voorzitten)."""
    add = next(o for o in chat.question.options if o.label == "Een ontwikkeldoel toevoegen")
    await chat.say(add.id)
    assert chat.question.question_id == "doelen.doel"
    for answer in [
        "Een vergadering voorzitten",
        "Drie keer het teamoverleg leiden",
        "Ik leid het overleg zelfstandig",
        "voor de zomer",
        "ja",  # haalbaar
        "overslaan",  # ondersteuning
        "kort",
        "gemiddeld",  # prioriteit
    ]:
        await chat.say(answer)


SHORT_ROUTE: list[str] = [
    "kort",
    "Minder vergaderingen en meer klantcontact",  # plezier
    "overslaan",  # gespreksdatum (optional)
    "Hoe het gaat met de nieuwe collega's",  # bespreken
    "overslaan",  # steun
]

_EN_WORDS = {
    "kort": "short",
    "nee": "no",
    "ja": "yes",
    "overslaan": "skip",
    "hoog": "high",
    # the SMART check reads the language's own words
    "Ik kan zelfstandig klanten te woord staan": "I can independently handle customer calls",
}
FULL_ROUTE_EN = [_EN_WORDS.get(a, a) for a in FULL_ROUTE]
SHORT_ROUTE_EN = [_EN_WORDS.get(a, a) for a in SHORT_ROUTE]


def import_roster(csv_file: object, data_dir: object) -> None:
    """What `popbot roster import` does, for tests that run the bot as a process."""
    from pathlib import Path

    Roster(TinyDBStore(str(data_dir))).import_people(
        parse_roster(Path(str(csv_file)), ("nl", "en"), accounts=accounts())
    )


MANAGER_NL = load_script(bundled_script_path("manager", "nl"))
MANAGER_EN = load_script(bundled_script_path("manager", "en"))

# One answer per question of the manager's preparation (Dutch), findable in the summary.
MANAGER_ROUTE: list[str] = [
    "Voldoet ruim aan het profiel",  # competentieprofiel
    "Zelfstandig, klaar voor meer",  # ontwikkelniveau
    "Klanten blij maken",  # voldoening
    "2",  # motivatie_score (private)
    "Doorgroeien naar senior planner",  # ambities
    "Ruimte om te verbreden naar roosterbeheer",  # groei
    "Inwerken van nieuwe collega's",  # andere_werkzaamheden
    "GEHEIM-functie-marker",  # andere_functies (private)
    "ja",  # noodzaak
    "Delegeren, want het team groeit",  # welke_noodzaak
    "De nieuwe planningsmethode uitrollen",  # afdelingsplan
    "6, 13, 11",  # ontwikkeltools: coaching, opleiding, intervisie
    "Tijd voor een cursus en een coach",  # steun
    "GEHEIM-vertrek-marker",  # vertrekredenen (private)
    "GEHEIM-budget-marker",  # budget (private)
    "4",  # vermogen (private)
    "2",  # bereidheid (private)
    "ja",  # kort_past: the short conversation would suit (seed 000)
    "Hoe we het delegeren aanpakken",  # gesprekspunten
    "1, 10, 11",  # delen: competentieprofiel, steun, gesprekspunten — nothing else
]


def make_team_engine(data_dir: object, roster_csv: str, now: datetime = NOW) -> Engine:
    """An engine with the managers' script and the roster as team directory."""
    from pathlib import Path

    from bot.dialog.registry import ScriptRegistry
    from bot.people.team import RosterTeam

    store = TinyDBStore(str(data_dir))
    csv = Path(str(data_dir)).parent / "team-roster.csv"
    csv.write_text(roster_csv, encoding="utf-8")
    Roster(store).import_people(parse_roster(csv, ("nl", "en"), accounts=accounts()))
    return Engine(
        {"nl": NL, "en": EN},
        store,
        clock=lambda: now,
        managers=ScriptRegistry.of(MANAGER_NL, MANAGER_EN),
        team=RosterTeam(Roster(store)),
    )


def family(name: str) -> ScriptRegistry:
    """A registry of a bundled script in both languages (followup, evaluation, manager)."""
    return ScriptRegistry.of(*(load_script(bundled_script_path(name, lang)) for lang in ("nl", "en")))
