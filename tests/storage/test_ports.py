"""The storage ports' promises, kept by both stores: the files (the embedded default) and
PostgreSQL. One parametrised fixture: every test here runs on each backend."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import Answer, EmployeeRecord
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from storage.postgres.database import Database
from storage.postgres.outbox import PostgresOutbox
from storage.postgres.store import PostgresStore
from storage.script_archive import ScriptFolder

NOW = datetime(2027, 1, 11, 8, 30, tzinfo=UTC)


@dataclass
class Backend:
    name: str
    people: TinyDBStore | PostgresStore
    outbox: OutboxFiles | PostgresOutbox
    scripts: ScriptFolder | PostgresStore


@pytest.fixture(params=["files", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "files":
        yield Backend(
            "files", TinyDBStore(tmp_path), OutboxFiles(tmp_path), ScriptFolder(tmp_path / "scripts")
        )
        return
    url = request.getfixturevalue("database_url")
    db = Database(url)
    db.open()
    people = PostgresStore(db)
    yield Backend("postgresql", people, PostgresOutbox(db, lease=60), people)
    db.close()


def entry(person: str, kind: str, due: datetime, status: str = "planned") -> dict[str, object]:
    return {
        "key": f"{person}|2027-02-01|{kind}",
        "kind": kind,
        "person": person,
        "conversation": "2027-02-01",
        "due": due.isoformat(),
        "status": status,
    }


def test_records_round_trip_and_delete(backend: Backend) -> None:
    store = backend.people
    store.save(EmployeeRecord(employee_id="anna", answers={"goed_in": Answer(value="Plannen 🎉")}))
    store.save(EmployeeRecord(employee_id="bob"))
    loaded = store.load("anna")
    assert loaded is not None and loaded.answers["goed_in"].value == "Plannen 🎉"
    assert sorted(store.employee_ids()) == ["anna", "bob"]
    assert store.load("nobody") is None
    assert store.delete("bob") and not store.delete("bob")
    assert list(store.employee_ids()) == ["anna"]


def test_hold_excludes_a_second_holder_until_released(backend: Backend) -> None:
    store = backend.people
    with store.hold("anna") as got:
        assert got
        seen: list[bool] = []
        # another thread (on PostgreSQL: another connection, as another replica would be)
        t = threading.Thread(target=lambda: seen.append(store.hold("anna", wait=False).__enter__()))
        t.start()
        t.join()
        assert seen == [False]
        with store.hold("bob", wait=False) as other:
            assert other  # someone else's lock is free
    with store.hold("anna", wait=False) as again:
        assert again


def test_roster_is_replaced_whole_and_found_by_address(backend: Backend) -> None:
    store = backend.people
    people = [
        {
            "id": "anna",
            "name": "Anna",
            "email": "Anna@Example.nl",
            "accounts": {"slack": "U1"},
            "active": True,
        },
        {"id": "bob", "name": "Bob", "email": "bob@example.nl", "accounts": {}, "active": False},
        # as a release before accounts wrote it: the handle in a field named after its platform
        {"id": "cem", "name": "Cem", "teams": "0a0a0a0a-0000-4000-8000-00000000a0a0", "active": True},
    ]
    store.save_roster(people, ["anna"])
    assert store.load_person("anna") == people[0]
    cem = {"id": "cem", "name": "Cem", "accounts": {"teams": "0a0a0a0a-0000-4000-8000-00000000a0a0"}}
    assert store.load_person("cem") == {**cem, "active": True}
    assert store.find_person("email:anna@example.nl") == "anna"
    assert store.find_person("slack:U1") == "anna"
    assert store.find_person("teams:0a0a0a0a-0000-4000-8000-00000000a0a0") == "cem"
    assert store.find_person("teams:U1") is None
    assert store.find_person("email:bob@example.nl") is None  # someone who left: by id only
    assert store.pending_plan() == ["anna"]
    store.save_roster([people[1]], None)
    assert store.find_person("teams:0a0a0a0a-0000-4000-8000-00000000a0a0") is None
    assert [p["id"] for p in store.people()] == ["bob"]
    assert store.load_person("anna") is None and store.pending_plan() is None


def test_progress_counts_per_conversation(backend: Backend) -> None:
    store = backend.people
    assert not store.has_progress()
    store.start_progress()
    assert store.has_progress()
    store.mark_progress("anna", "2027-02-01", ["invited", "started"])
    store.mark_progress("anna", "2027-02-01", ["started"])
    store.mark_progress("anna", "2026-02-01", ["agreed"])
    found = store.progress_of([("anna", "2027-02-01"), ("bob", "2027-02-01")])
    assert found == {"anna": {"invited", "started"}, "bob": set()}
    store.forget_progress("anna")
    assert store.progress_of([("anna", "2027-02-01")]) == {"anna": set()}


def test_an_invitation_is_used_once(backend: Backend) -> None:
    store = backend.people
    invite = {"employee_id": "anna", "platform": "telegram", "expires_at": "x", "used_at": None}
    store.save_invite("h1", invite)
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.use_invite("h1", "now"))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    assert store.load_invite("h1") == {**invite, "used_at": "now"}
    assert not store.use_invite("missing", "now")
    assert store.delete_invites_of("anna") == 1 and store.load_invite("h1") is None


def test_bindings_inbox_erasure_journal_and_audit(backend: Backend) -> None:
    store = backend.people
    store.save_binding("telegram:1", {"employee_id": "anna"})
    assert store.load_binding("telegram:1") == {"employee_id": "anna"}
    assert store.delete_binding("telegram:1") and store.load_binding("telegram:1") is None
    store.save_inbox(
        "mila", [{"key": "anna|c|delivery", "text": "draft"}, {"key": "mila|c|x", "text": "own"}]
    )
    assert store.delete_inbox_items_about("anna") == 1
    assert store.load_inbox("mila") == [{"key": "mila|c|x", "text": "own"}]
    assert store.delete_inbox("mila") and store.load_inbox("mila") == []
    store.begin_erasure("anna")
    assert store.unfinished_erasures() == ["anna"]
    store.end_erasure("anna")
    assert store.unfinished_erasures() == []
    store.append_audit("erased abc123")


def test_script_versions_are_archived(backend: Backend) -> None:
    backend.scripts.archive_script("abc123", "id: pop\n")
    backend.scripts.archive_script("abc123", "not written twice\n")
    assert backend.scripts.script_text("abc123") == "id: pop\n"
    assert backend.scripts.script_text("fff000") is None


def test_outbox_entries_index_and_claims(backend: Backend) -> None:
    out = backend.outbox
    a, b = entry("anna", "invitation", NOW), entry("bob", "invitation", NOW + timedelta(hours=3))
    out.add_entries([a, b])
    out.add_entries([{**a, "status": "sent"}])  # already there: kept as it was
    assert out.load_entry(str(a["key"])) == a
    assert [e["key"] for e in out.due_entries(NOW)] == [a["key"]]
    assert {e["key"] for e in out.due_entries(NOW + timedelta(hours=3))} == {a["key"], b["key"]}
    counts = out.due_counts(NOW, NOW + timedelta(hours=5))
    assert counts == {("2027-01-11T08", "invitation"): 1, ("2027-01-11T11", "invitation"): 1}
    claimed = out.claim(str(a["key"]))
    assert claimed == a
    out.release(str(a["key"]))
    # moved: the new line first, then the old one gone
    moved = {**b, "due": NOW.isoformat()}
    out.index_due(str(b["key"]), "invitation", NOW)
    out.save_entry(moved)
    out.unindex_due(str(b["key"]), "invitation", NOW + timedelta(hours=3))
    assert {e["key"] for e in out.due_entries(NOW)} == {a["key"], b["key"]}
    # failed: listed for HR
    failed = {**a, "status": "failed", "closed_at": NOW.isoformat()}
    out.index_failed(str(a["key"]), "invitation")
    out.save_entry(failed)
    out.unindex_due(str(a["key"]), "invitation", NOW)
    assert [e["key"] for e in out.failed_entries()] == [a["key"]]
    assert [e["key"] for e in out.person_entries("anna")] == [a["key"]]
    assert out.purge_closed(NOW + timedelta(days=1)) == 1
    assert out.failed_entries() == [] and out.person_entries("anna") == []
    out.save_entry({**moved, "ahead": [{"text": "draft"}], "ahead_for": "x"})
    assert out.drop_composed() == 1 and out.load_entry(str(b["key"]))["ahead"] == []  # type: ignore[index]
    assert out.forget_person("bob") == 1 and list(out.all_entries()) == []


def test_planning_holds_the_pass_lock_alone(backend: Backend) -> None:
    out = backend.outbox
    with out.pass_lock(wait=True) as planning:
        assert planning
        seen: list[bool] = []
        t = threading.Thread(target=lambda: seen.append(out.pass_lock(shared=True).__enter__()))
        t.start()
        t.join()
        assert seen == [False]
    with out.job_lock("retention") as mine:
        assert mine


def test_on_postgresql_passes_share_the_lock_and_a_claim_excludes_until_it_runs_out(
    database_url: str,
) -> None:
    db = Database(database_url)
    db.open()
    one, two = PostgresOutbox(db, lease=0.5), PostgresOutbox(db, lease=0.5)  # two replicas' schedulers
    a = entry("anna", "invitation", NOW)
    one.add_entries([a])
    with one.pass_lock(shared=True) as first, two.pass_lock(shared=True) as second:
        assert first and second  # (the files keep one pass at a time: their claims do not exclude)
        assert one.claim(str(a["key"])) is not None
        assert two.claim(str(a["key"])) is None
        one.release(str(a["key"]))
        assert two.claim(str(a["key"])) is not None
        assert one.claim(str(a["key"])) is None
        time.sleep(0.6)  # the holder died without releasing: its lease runs out
        assert one.claim(str(a["key"])) is not None
    db.close()


def test_kept_files_are_erased_with_the_person_on_either_store(backend: Backend, tmp_path: Path) -> None:
    """The inbox's PDFs and the saved exports: read back whole, gone with the inbox, the
    exports, or the items about someone else; a name with a folder in it is refused."""
    from bot.errors import StorageError

    store = backend.people
    store.save_file("mila", "POP-concept-Anna.pdf", b"%PDF anna")
    store.save_file("mila", "POP-concept-Ben.pdf", b"%PDF ben")
    items = [
        {"key": f"{who}|2027-02-01|delivery", "text": f"📄 {name}", "files": [name]}
        for who, name in (("anna", "POP-concept-Anna.pdf"), ("ben", "POP-concept-Ben.pdf"))
    ]
    store.save_inbox("mila", items)
    store.save_file("anna", "mijn-gegevens.json", b"{}", export=True)
    assert store.read_file("mila", "POP-concept-Anna.pdf") == b"%PDF anna"
    assert store.file_names("mila") == ["POP-concept-Anna.pdf", "POP-concept-Ben.pdf"]
    assert store.file_names("anna", export=True) == ["mijn-gegevens.json"]
    for bad in ("../escape.pdf", "a/b.pdf", "", ".."):
        with pytest.raises(StorageError):
            store.save_file("mila", bad, b"x")
    assert store.delete_inbox_items_about("anna") == 1  # Anna erased: her draft in Mila's inbox goes
    assert store.read_file("mila", "POP-concept-Anna.pdf") is None
    assert store.read_file("mila", "POP-concept-Ben.pdf") == b"%PDF ben"
    assert store.delete_exports("anna") and store.file_names("anna", export=True) == []
    assert store.delete_inbox("mila") and store.file_names("mila") == []
    if backend.name == "postgresql":
        assert store.local_path("mila", "POP-concept-Ben.pdf") is None and not any(tmp_path.iterdir())
