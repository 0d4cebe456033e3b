"""The outbox's layout of issue 16: a plan file per person, an index file per hour — and the
data folders of the layout before it, moved over on first use."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.messages import Part
from bot.people.roster import Person, Roster
from bot.schedule.outbox import Entry, Outbox
from storage import TinyDBStore
from storage.documents import DocumentFiles
from storage.outbox_files import OutboxFiles

DUE = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def entry(person: str, kind: str, due: datetime = DUE, status: str = "planned") -> Entry:
    return Entry(
        key=f"{person}|c1|{kind}", kind=kind, person=person, conversation="c1", due=due, status=status
    )  # type: ignore[arg-type]


def test_a_persons_entries_share_one_file_and_the_index_names_nobody(tmp_path: Path) -> None:
    outbox = Outbox(OutboxFiles(tmp_path))
    outbox.add_all([entry("anna@example.org", k) for k in ("invitation", "reminder", "delivery")])
    plans = list((tmp_path / "outbox" / "plans").rglob("*.json"))
    assert len(plans) == 1 and "anna" not in str(plans[0])
    index = (tmp_path / "outbox" / "due-index" / "2027-01-11T09").read_text()
    assert len(index.splitlines()) == 3 and "anna" not in index
    assert {e.kind for e in outbox.due(DUE)} == {"invitation", "reminder", "delivery"}
    assert list(outbox.due(DUE - timedelta(hours=1))) == []


def test_moved_and_closed_entries_leave_the_index_counts(tmp_path: Path) -> None:
    files = OutboxFiles(tmp_path)
    outbox = Outbox(files)
    a, b = entry("anna", "invitation"), entry("ben", "invitation")
    outbox.add_all([a, b])
    outbox.move(a, DUE + timedelta(days=1))
    outbox.close(b, "failed", DUE)
    counts = files.due_counts(DUE - timedelta(days=1), DUE + timedelta(days=2))
    assert counts == {("2027-01-12T09", "invitation"): 1}
    assert [e.key for e in outbox.due(DUE + timedelta(days=1))] == [a.key]
    assert [e.key for e in outbox.failed()] == [b.key]


def test_a_damaged_index_line_is_skipped_and_the_rest_still_go(tmp_path: Path) -> None:
    outbox = Outbox(OutboxFiles(tmp_path))
    outbox.add_all([entry("anna", "invitation"), entry("ben", "invitation")])
    bucket = tmp_path / "outbox" / "due-index" / "2027-01-11T09"
    bucket.write_text("garbage without meaning\n" + bucket.read_text() + "+half")
    assert {e.person for e in outbox.due(DUE)} == {"anna", "ben"}


def test_an_hour_whose_lines_are_all_stale_is_dropped_by_the_pass(tmp_path: Path) -> None:
    files = OutboxFiles(tmp_path)
    outbox = Outbox(files)
    a = entry("anna", "invitation")
    outbox.add_all([a])
    a.status, a.closed_at = "sent", DUE  # closed, but killed before its "-" line
    outbox.save(a)
    bucket = tmp_path / "outbox" / "due-index" / "2027-01-11T09"
    assert bucket.exists()
    assert [e.status for e in outbox.due(DUE + timedelta(hours=3))] == ["sent"]
    assert not bucket.exists()  # the next pass does not read it again


def test_a_line_before_its_entry_is_skipped_not_lost(tmp_path: Path) -> None:
    """A kill between the index line and the plan: the pass finds nothing, a re-plan adds it."""
    files = OutboxFiles(tmp_path)
    files.index_due("anna|c1|invitation", "invitation", DUE)
    assert list(Outbox(files).due(DUE)) == []
    Outbox(files).add_all([entry("anna", "invitation")])
    assert [e.key for e in Outbox(files).due(DUE)] == ["anna|c1|invitation"]


def test_two_writers_of_one_persons_plan_lose_nothing(tmp_path: Path) -> None:
    """A pass saving one entry while a chat turn adds another: each under the plan's lock."""
    kinds = [f"kind{i}" for i in range(40)]
    Outbox(OutboxFiles(tmp_path)).add_all([entry("anna", k) for k in kinds[:20]])

    def add(some: list[str]) -> None:
        outbox = Outbox(OutboxFiles(tmp_path))  # as another process would: its own objects
        for k in some:
            outbox.add(entry("anna", k))

    def save(some: list[str]) -> None:
        outbox = Outbox(OutboxFiles(tmp_path))
        for k in some:
            e = outbox.get(f"anna|c1|{k}")
            assert e is not None
            e.attempts = 1
            outbox.save(e)

    threads = [
        threading.Thread(target=add, args=(kinds[20:],)),
        threading.Thread(target=save, args=(kinds[:20],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = {e.kind: e for e in Outbox(OutboxFiles(tmp_path)).for_person("anna")}
    assert set(got) == set(kinds)
    assert all(got[k].attempts == 1 for k in kinds[:20])


def _old_layout(root: Path, entries: list[Entry], people: list[dict[str, Any]], pending: bool) -> None:
    """A data folder as popbot wrote it before issue 16."""
    old = DocumentFiles(root / "outbox" / "entries", table="entry", backups=False)
    keys = DocumentFiles(root / "outbox" / "people", table="keys", backups=False)
    for e in entries:
        old.put(e.key, e.dump())
        keys.put(e.person, {"keys": [k.key for k in entries if k.person == e.person]})
        if e.status == "planned":
            marker = root / "outbox" / "due" / e.due.strftime("%Y-%m-%dT%H") / f"{hash(e.key) & 0xFFFF}.json"
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"marker": {"key": e.key}}))
    files = DocumentFiles(root / "people", table="person")
    for p in people:
        files.put(p["id"], p)
        DocumentFiles(root / "people-index", table="index").put(f"email:{p['email']}", {"id": p["id"]})
    if pending:
        (root / "people" / ".import-pending").write_bytes(b"")


def test_a_data_folder_of_the_old_layout_is_moved_over_on_first_use(tmp_path: Path) -> None:
    anna = asdict(Person("anna", "Anna", "nl", email="anna@example.org", manager="mila"))
    mila = asdict(Person("mila", "Mila", "nl", email="mila@example.org"))
    sent = entry("anna", "invitation", status="sent")
    planned = [entry("anna", "reminder"), entry("anna", "delivery", DUE + timedelta(days=7))]
    _old_layout(tmp_path, [sent, *planned], [anna, mila], pending=True)

    outbox = Outbox(OutboxFiles(tmp_path))
    assert {e.key: e.status for e in outbox.for_person("anna")} == {
        sent.key: "sent",
        planned[0].key: "planned",
        planned[1].key: "planned",
    }
    assert [e.key for e in outbox.due(DUE + timedelta(days=8))] == [p.key for p in planned]
    assert not any((tmp_path / "outbox" / old).exists() for old in ("entries", "due", "people"))

    store = TinyDBStore(tmp_path)
    roster = Roster(store)
    assert [p.id for p in roster.everyone()] == ["anna", "mila"]
    by_mail = roster.by_email("ANNA@example.org")
    assert by_mail is not None and by_mail.id == "anna"
    assert sorted(store.pending_plan() or []) == ["anna", "mila"]  # the old import was cut off
    assert not (tmp_path / "people-index").exists()
    assert sorted(p.name for p in (tmp_path / "people").iterdir()) == ["roster.json"]


def test_an_erasure_drops_every_draft_composed_ahead(tmp_path: Path) -> None:
    """A draft composed ahead for a manager quotes their preparation: it must not outlive them."""
    files = OutboxFiles(tmp_path)
    outbox = Outbox(files)
    delivery = entry("anna", "delivery")
    delivery.ahead = [Part(kind="text", text="Mila's private view")]
    delivery.ahead_for = "digest"
    outbox.add_all([delivery, entry("ben", "delivery")])
    assert files.drop_composed() == 1
    kept = outbox.get(delivery.key)
    assert kept is not None and kept.ahead == [] and kept.status == "planned"
    assert b"private view" not in b"".join(p.read_bytes() for p in (tmp_path / "outbox").rglob("*.json"))
