"""Issue 13, points 4, 9 and 12: erasure reaches every copy popbot holds (a manager's inbox,
PDFs, backups), follows no link out of the data folder, writes exports 0600, and an erasure
cut off midway is finished — and said so — by the next start or `popbot data check`."""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.app.cli import main
from bot.app.platforms import accounts
from bot.people.access import Access
from bot.people.privacy import PersonalData
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.helpers import Chat
from tests.schedule.test_manager_cycle import agreed_pop
from tests.schedule_world import World, world

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,console,,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam
"""
# Anna's answers as they reach the draft, the alignment summary and the signed POP
MARKERS = ("Zonnebloem", "servicebalie", "Puzzelen met roosters")


def _pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _texts(data: bytes) -> list[str]:
    """Every way a file can hold text: as bytes, a PDF's text, JSON strings, base64 in JSON."""
    if data.startswith(b"%PDF"):
        return [_pdf(data)]
    found = [data.decode("utf-8", "ignore")]
    try:
        doc = json.loads(data)
    except ValueError:
        return found
    stack: list[Any] = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value
        elif isinstance(value, str) and len(value) > 100:
            try:
                decoded = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                continue
            found += _texts(decoded)
    return found


def holding(root: Path, markers: tuple[str, ...] = MARKERS) -> dict[str, list[str]]:
    """Every file under `root` (backups, inboxes, outbox parts, PDFs) that holds a marker."""
    hits: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = "\n".join(_texts(path.read_bytes()))
            if found := [m for m in markers if m in text]:
                hits[str(path.relative_to(root))] = found
    return hits


async def agreed(w: World) -> None:
    """Anna prepares, the draft and alignment go to Mila's console inbox, both agree, and the
    signed POP goes to both."""
    store = TinyDBStore(w.data)
    w.engine.personal = PersonalData(
        store, OutboxFiles(w.data), Access(store, w.clock, accounts=accounts()), w.clock
    )
    await agreed_pop(w)


async def test_erasure_removes_every_copy_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        await agreed(w)
        before = holding(w.data)
        mila_inbox = TinyDBStore(w.data).inbox_folder("mila")
        # the search finds them where the bug left them: Mila's inbox PDFs and its JSON
        assert any(p.startswith(str(mila_inbox.relative_to(w.data))) for p in before), before
        store = TinyDBStore(w.data)
        other = {"key": "ben|2027-01-20|invitation", "text": "Over Ben"}  # about someone else: stays
        store.save_inbox("mila", [*store.load_inbox("mila"), other])
        monkeypatch.setenv("POPBOT_DATA_DIR", str(w.data))
        assert main(["privacy", "erase", "anna", "--yes"]) == 0
        assert holding(w.data) == {}
        assert store.load_inbox("mila") == [other]


async def test_an_interrupted_erasure_is_finished_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        await agreed(w)
        store = TinyDBStore(w.data)
        personal = PersonalData(store, OutboxFiles(w.data), w.scheduler().access, w.clock)

        def crash(_person: str) -> int:
            raise OSError("the process died here")

        monkeypatch.setattr(store, "delete_inbox_items_about", crash)
        with pytest.raises(OSError):
            personal.erase("anna")
        assert holding(w.data)  # half erased: Mila's copies are still there
        audit = w.data / "audit.log"
        assert "erasure" not in (audit.read_text() if audit.exists() else "")
        monkeypatch.setenv("POPBOT_DATA_DIR", str(w.data))
        assert main(["data", "check"]) == 0
        assert "an interrupted erasure" in capsys.readouterr().out
        assert holding(w.data) == {}
        assert "erasure" in audit.read_text() and "finished after an interruption" in audit.read_text()
        assert main(["data", "check"]) == 0 and "interrupted" not in capsys.readouterr().out


async def test_no_link_in_the_data_folder_is_followed_out_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not popbot's", encoding="utf-8")
    async with world(tmp_path, ROSTER, managers=True) as w:
        await agreed(w)
        store = TinyDBStore(w.data)
        # planted links: anna's exports folder and her inbox folder point outside
        exports = store.exports_folder("anna")
        exports.parent.mkdir(parents=True, exist_ok=True)
        exports.symlink_to(outside, target_is_directory=True)
        inbox = store.inbox_folder("anna")
        shutil.rmtree(inbox, ignore_errors=True)  # her PDFs' folder, replaced by a planted link
        inbox.parent.mkdir(parents=True, exist_ok=True)
        inbox.symlink_to(outside, target_is_directory=True)
        monkeypatch.setenv("POPBOT_DATA_DIR", str(w.data))
        assert main(["privacy", "erase", "anna", "--yes"]) == 0
        assert (outside / "keep.txt").read_text(encoding="utf-8") == "not popbot's"
        assert not exports.is_symlink() and not inbox.is_symlink()  # the links went, as links
        assert "erasure" in (w.data / "audit.log").read_text()

        # a record file that is a link to a file outside: not read, not written
        victim = outside / "record.json"
        victim.write_text(json.dumps({"employee": {"1": {"employee_id": "ben"}}}), encoding="utf-8")
        path = store.path_for("ben")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(victim)
        chat = Chat(w.engine, "ben")
        await chat.start()
        assert chat.text == w.engine.messages_for("nl").not_saved  # told; nothing read from outside
        assert json.loads(victim.read_text(encoding="utf-8"))["employee"]["1"] == {"employee_id": "ben"}


def test_an_export_to_a_file_is_readable_by_its_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "roster.csv").write_text("id,name\nanna,Anna de Vries\n", encoding="utf-8")
    assert main(["roster", "import", str(tmp_path / "roster.csv")]) == 0
    out = tmp_path / "anna.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)  # there before, readable by all: not after
    assert main(["privacy", "export", "anna", "-o", str(out)]) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8"))["roster"]["name"] == "Anna de Vries"
