"""The console adapter, driven as a person would from a shell: piped input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from adapters.console import render
from bot.messages import Option, Question, Text
from tests.helpers import FULL_ROUTE, SHORT_ROUTE, make_engine


def popbot_command() -> list[str]:
    """The installed `popbot` script beside this Python, else the module."""
    script = Path(sys.executable).parent / "popbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.app.cli"]


def run(
    args: list[str], data: Path, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POPBOT_DATA_DIR": str(data), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*popbot_command(), *args], input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_a_scripted_run_reaches_the_draft_and_popbot_draft_prints_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    chat = run(["chat", "--user", "anna"], data, "\n".join(FULL_ROUTE) + "\n", cwd=tmp_path)
    assert chat.returncode == 0, chat.stderr
    assert "— Iedereen kan meedoen —" in chat.stdout  # no count before the route is chosen
    assert "Klaar! Je hebt je POP-gesprek voorbereid." in chat.stdout
    assert "Ontwikkelingsdoel: Klantgericht werken" in chat.stdout  # a table row as lines
    assert chat.stderr == ""  # nothing but the script's words, not even where the data went
    draft = run(["draft", "anna"], data, cwd=tmp_path)
    assert draft.returncode == 0, draft.stderr
    assert draft.stdout.startswith("# Persoonlijk Ontwikkelingsplan (concept)")
    for answer in ("Plannen en klanten helpen", "Over vijf jaar teamleider", "24 werkuren supervisie"):
        assert answer in draft.stdout
    assert "GEHEIM" not in draft.stdout


def test_end_of_input_mid_dialog_then_resume(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = run(["chat", "--user", "bob"], data, "kort\n", cwd=tmp_path)
    assert first.returncode == 0 and "Wat moet er gebeuren zodat jij" in first.stdout
    second = run(["chat", "--user", "bob"], data, "\n".join(SHORT_ROUTE[1:]) + "\n", cwd=tmp_path)
    assert second.returncode == 0
    assert "Welkom terug" in second.stdout
    assert "Minder vergaderingen en meer klantcontact" in second.stdout  # in the draft at the end


def test_popbot_draft_for_someone_unknown(tmp_path: Path) -> None:
    result = run(["draft", "niemand"], tmp_path / "data", cwd=tmp_path)
    assert result.returncode == 1  # no data folder at all: said where it looked
    assert f"no data folder at {tmp_path / 'data'}" in result.stderr
    (tmp_path / "data").mkdir()
    result = run(["draft", "niemand"], tmp_path / "data", cwd=tmp_path)
    assert result.returncode == 1
    assert "no data for employee 'niemand'" in result.stderr


def test_the_installed_copy_finds_its_scripts_from_anywhere(tmp_path: Path) -> None:
    # Run from an empty folder so the source tree is not on the path: the
    # scripts must come from the installed package data.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "from bot.dialog.script import bundled_script_path as p; import bot; print(p()); print(bot.__file__);"
        "import adapters.console, adapters.telegram.adapter, adapters.slack.adapter, storage, dialogs"
    )
    probe = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    script_path, _module = probe.stdout.splitlines()
    assert Path(script_path).is_file()
    ok = run(["dialogs", "validate", script_path], tmp_path / "d", cwd=elsewhere)
    assert ok.returncode == 0, ok.stderr


def test_rendering_wraps_long_text_and_numbers_options() -> None:
    out = render(
        [
            Text("een " * 40 + "🎉"),
            Question(
                "q",
                "Kies?",
                "choice",
                (Option("a", "Eerste"), Option("b", "Tweede")),
                "Antwoord met het nummer.",
            ),
        ],
        width=40,
    )
    assert all(len(line) <= 40 for line in out.splitlines())
    assert "  1. Eerste\n  2. Tweede" in out
    assert "🎉" in out


def test_popbot_is_on_the_path_of_the_virtualenv() -> None:
    assert shutil.which("popbot", path=str(Path(sys.executable).parent)) is not None


async def test_the_schedules_messages_wait_in_the_console_inbox(tmp_path: Path) -> None:
    """Someone on the console platform reads what the schedule sent when they open the chat."""
    import io

    from adapters.console import ConsoleInbox, run_console
    from bot.messages import Part
    from storage import TinyDBStore

    inbox = ConsoleInbox(TinyDBStore(tmp_path))
    await inbox.send(
        "anna", [Part(kind="button", text="Hoi Anna! Je gesprek is op maandag.", label="Begin")], "k#0", ""
    )
    await inbox.send(
        "anna", [Part(kind="button", text="Hoi Anna! Je gesprek is op maandag.", label="Begin")], "k#0", ""
    )
    assert await inbox.was_sent("anna", "k#0") is True and await inbox.was_sent("anna", "k#1") is False
    out = io.StringIO()
    await run_console(make_engine(tmp_path), "anna", stdin=io.StringIO(""), stdout=out, inbox=inbox)
    assert out.getvalue().count("Hoi Anna! Je gesprek is op maandag.") == 1  # once, though sent twice
    out = io.StringIO()
    await run_console(make_engine(tmp_path), "anna", stdin=io.StringIO(""), stdout=out, inbox=inbox)
    assert "Je gesprek is op maandag" not in out.getvalue()  # shown once


def test_popbot_draft_writes_the_pdf_with_or_without_a_roster(tmp_path: Path) -> None:
    """Issue 27: a newcomer sees the PDF without a roster or a schedule; with a roster it is the
    manager's PDF: the roster's names, department and date."""
    import io

    from pypdf import PdfReader

    def text_of(pdf: Path) -> str:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)

    data = tmp_path / "data"
    assert run(["chat", "--user", "anna"], data, "\n".join(FULL_ROUTE) + "\n", cwd=tmp_path).returncode == 0
    alone = run(["draft", "anna", "--pdf"], data, cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    pdf = tmp_path / alone.stdout.strip()
    assert pdf.name == "concept-pop-anna.pdf" and (pdf.stat().st_mode & 0o777) == 0o600  # personal data
    first = text_of(pdf)
    assert "Persoonlijk Ontwikkelingsplan (concept)" in first and "Plannen en klanten helpen" in first
    assert "Medewerker" not in first.split("Waar sta ik nu?")[0]  # no name known: no id in its place

    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,language,manager,platform,handle,conversation,department\n"
        "mila,Mila Bakker,mila@example.org,nl,,,,,Zorg\n"
        "anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-03-01 10:00,Zorg\n",
        encoding="utf-8",
    )
    assert run(["roster", "import", str(roster)], data, cwd=tmp_path).returncode == 0
    out = tmp_path / "mila-krijgt.pdf"
    managed = run(["draft", "anna", "--pdf", "-o", str(out)], data, cwd=tmp_path)
    assert managed.returncode == 0, managed.stderr
    shown = text_of(out)
    for line in ("Anna de Vries", "Mila Bakker", "Zorg", "maandag 1 maart 2027 om 10:00", "Vertrouwelijk"):
        assert line in shown, line
    summary = run(["draft", "anna", "--alignment", "-o", str(tmp_path / "a.pdf")], data, cwd=tmp_path)
    assert summary.returncode == 0 and "Afstemming voor het POP-gesprek" in text_of(tmp_path / "a.pdf")
    assert run(["draft", "nobody", "--pdf"], data, cwd=tmp_path).returncode == 1
