"""`popbot data migrate`: everything one store holds, copied into another — the files into
PostgreSQL, or back. The source is only read. Run again, it copies only what differs
(idempotent; a run cut off is finished by the next), and it verifies what it copied: the same
counts on both sides and, for every record and kept file, the same checksum.

A target that holds data of its own (another organisation's, a test's) is refused: the two
would mix and every count would be off. `mode` says what to do instead: "replace" removes
what the target holds about people first (its audit stays), "merge" keeps it beside the
source's. A target that an earlier run from the same source filled (its audit says so) is
taken up again as it is: that is how a cut-off run resumes.

Verified against the source, not only by counts: every record, roster entry, binding,
invitation, console account, kept file (inbox PDFs, exports) and outbox entry of the source
is in the target unchanged, and (unless merging) the target holds nothing else.

What is not copied, and why: HR's progress counts (the target counts them again from the
records and plans on its first `roster show`), and a chat platform's binding of someone who
is in neither the roster nor the records (no one can reach it by id).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MODES = ("new", "replace", "merge")
MARK = "data migrate from "  # the target's audit line that names the source it was filled from


class TargetNotEmpty(Exception):
    """The target holds data that did not come from this source (the message says how much)."""


def checksum(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class Report:
    copied: dict[str, int] = field(default_factory=dict)  # what → how many written this run
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # what → (source, target)
    mismatched: list[str] = field(default_factory=list)  # what differs from the source, by name
    extra: dict[str, int] = field(default_factory=dict)  # what → how many the target holds besides
    merged: bool = False

    @property
    def verified(self) -> bool:
        return not self.mismatched and (self.merged or not any(self.extra.values()))

    def summary(self) -> str:
        lines = [f"{what}: {s} in the source, {t} in the target" for what, (s, t) in self.counts.items()]
        written = ", ".join(f"{n} {what}" for what, n in self.copied.items() if n) or "nothing (all there)"
        lines.append(f"written this run: {written}")
        if self.mismatched:
            shown = ", ".join(self.mismatched[:10]) + (" …" if len(self.mismatched) > 10 else "")
            lines.append(f"{len(self.mismatched)} item(s) differ from the source after the copy: {shown}")
        besides = ", ".join(f"{n} {what}" for what, n in self.extra.items() if n)
        if besides:
            lines.append(
                f"the target holds besides the source's: {besides}" + (" (merged)" if self.merged else "")
            )
        lines.append(
            "verified: everything the source holds is in the target, unchanged"
            if self.verified
            else "NOT verified"
        )
        return "\n".join(lines)


def held(store: Any, outbox: Any) -> dict[str, int]:
    """What a store holds about people, counted (empty: nothing)."""
    counts = {
        "records": sum(1 for _ in store.employee_ids()),
        "people": sum(1 for _ in store.people()),
        "outbox entries": sum(1 for _ in outbox.all_entries()),
        "invitations": len(store.invites()),
        "console accounts": len(store.accounts()),
    }
    return {what: n for what, n in counts.items() if n}


def _wipe(store: Any, outbox: Any, platforms: tuple[str, ...]) -> None:
    """Everything the store holds about people, removed (the audit stays: it is the record)."""
    persons = {*store.employee_ids(), *(str(p["id"]) for p in store.people())}
    persons |= {str(e["person"]) for e in outbox.all_entries()}
    persons |= {str(i.get("person", "")) for _h, i in store.invites()} - {""}
    for person in sorted(persons):
        for platform in platforms:
            mine = store.load_binding(f"{platform}@employee:{person}")
            if mine is not None:
                store.delete_binding(f"{platform}:{mine['handle']}")
                store.delete_binding(f"{platform}@employee:{person}")
        store.delete_invites_of(person)
        store.delete_inbox(person)
        store.delete_exports(person)
        store.forget_progress(person)
        outbox.forget_person(person)
    for rid in list(store.employee_ids()):
        store.delete(rid)
    for account in store.accounts():
        store.delete_account(account["email"])
    store.save_roster([], None)


def transfer(
    source: Any,
    target: Any,
    *,
    origin: str = "",
    mode: str = "new",
    platforms: tuple[str, ...],
    say: Callable[[str], object] = lambda _line: None,
) -> Report:
    """Copy `source.people`/`source.outbox`/`source.scripts` into `target`'s (see module).
    `origin` names the source (no secrets) in the target's audit, so a rerun is recognised;
    `platforms`: every registered platform, whose chat bindings are copied."""
    src, dst = source.people, target.people
    assert mode in MODES, mode
    mark = f"{MARK}{origin}"
    ours = any(line.endswith(mark) for line in dst.audit_lines())
    there = held(dst, target.outbox)
    if there and not ours and mode == "new":
        what = ", ".join(f"{n} {w}" for w, n in there.items())
        raise TargetNotEmpty(f"the target already holds data that did not come from here: {what}")
    if there and mode == "replace":
        say(f"replace: removing what the target held ({', '.join(f'{n} {w}' for w, n in there.items())})")
        _wipe(dst, target.outbox, platforms)
    if not ours:
        dst.append_audit(f"{datetime.now(UTC).isoformat(timespec='seconds')} {mark}")
    report = Report(merged=mode == "merge")
    ids = sorted(set(src.employee_ids()))

    copied = 0
    for employee_id in ids:
        record = src.load(employee_id)
        if record is None:
            continue
        there = dst.load(employee_id)
        if there is None or checksum(there.model_dump(mode="json")) != checksum(
            record.model_dump(mode="json")
        ):
            dst.save(record)
            copied += 1
    report.copied["records"] = copied
    say(f"records: {copied} copied")

    people = list(src.people())
    if mode == "merge":  # the target's own people stay in its roster beside the source's
        theirs = [p for p in dst.people() if str(p["id"]) not in {str(q["id"]) for q in people}]
        dst.save_roster([*people, *theirs], src.pending_plan())
    else:
        dst.save_roster(people, src.pending_plan())  # one atomic write: the whole roster
    report.copied["people"] = len(people)

    everyone = sorted({*ids, *(str(p["id"]) for p in people)})
    copied = 0
    for person in everyone:
        for platform in platforms:
            mine = src.load_binding(f"{platform}@employee:{person}")
            if mine is None:
                continue
            theirs = src.load_binding(f"{platform}:{mine['handle']}")
            for key, doc in (
                (f"{platform}@employee:{person}", mine),
                (f"{platform}:{mine['handle']}", theirs),
            ):
                if doc is not None and dst.load_binding(key) != doc:
                    dst.save_binding(key, doc)
                    copied += 1
        items = src.load_inbox(person)
        if items and dst.load_inbox(person) != items:
            dst.save_inbox(person, items)
    report.copied["bindings"] = copied

    copied = 0
    for person, export, name in _files(src, everyone):  # the inbox's PDFs, saved exports
        content = src.read_file(person, name, export=export)
        if content is not None and dst.read_file(person, name, export=export) != content:
            dst.save_file(person, name, content, export=export)
            copied += 1
    report.copied["files"] = copied

    copied = 0
    for token_hash, invite in src.invites():
        if dst.load_invite(token_hash) != invite:
            dst.save_invite(token_hash, invite)
            copied += 1
    report.copied["invitations"] = copied

    copied = 0
    for account in src.accounts():  # the console's local accounts (hashes, never passwords)
        if dst.load_account(account["email"]) != account:
            dst.save_account(account["email"], account)
            copied += 1
    report.copied["console accounts"] = copied

    copied = 0
    for name, language in source.edits.script_edit_names():  # HR's edited scripts, every version
        stamps = set(target.edits.script_edit_history(name, language))
        for stamp in reversed(source.edits.script_edit_history(name, language)):  # oldest first
            text = source.edits.script_edit_text(name, language, stamp)
            if stamp not in stamps and text is not None:
                target.edits.keep_script_edit(name, language, stamp, text)
                copied += 1
    report.copied["script edits"] = copied

    for version in source.scripts.script_versions():
        text = source.scripts.script_text(version)
        if text is not None:
            target.scripts.archive_script(version, text)

    for person in src.unfinished_erasures():
        dst.begin_erasure(person)  # finished by the target's next start
    have = set(dst.audit_lines())
    for line in src.audit_lines():
        if line not in have:
            dst.append_audit(line)

    new, changed = [], 0
    for entry in source.outbox.all_entries():
        there = target.outbox.load_entry(entry["key"])
        if there is None:
            new.append(entry)
        elif there != entry:
            target.outbox.save_entry(entry)
            changed += 1
    target.outbox.add_entries(new)
    report.copied["outbox entries"] = len(new) + changed
    say(f"outbox: {len(new) + changed} copied")

    _verify(source, target, ids, people, report, platforms)
    return report


def _files(store: Any, people: list[str]) -> list[tuple[str, bool, str]]:
    """(person, export, name) of every file kept for these people."""
    return [
        (person, export, name)
        for person in people
        for export in (False, True)
        for name in store.file_names(person, export=export)
    ]


def _verify(
    source: Any, target: Any, ids: list[str], people: list[Any], report: Report, platforms: tuple[str, ...]
) -> None:
    """Every item of the source in the target, unchanged; what the target holds besides."""
    src, dst = source.people, target.people

    def same(a: object, b: object) -> bool:
        return a is not None and b is not None and checksum(a) == checksum(b)

    for employee_id in ids:
        a, b = src.load(employee_id), dst.load(employee_id)
        if a is None or b is None or not same(a.model_dump(mode="json"), b.model_dump(mode="json")):
            report.mismatched.append(f"record {employee_id}")
    theirs = {str(p["id"]): p for p in dst.people()}
    report.mismatched += [f"roster {p['id']}" for p in people if not same(p, theirs.get(str(p["id"])))]
    everyone = sorted({*ids, *(str(p["id"]) for p in people)})
    for person in everyone:
        for platform in platforms:
            key = f"{platform}@employee:{person}"
            if (mine := src.load_binding(key)) is not None and not same(mine, dst.load_binding(key)):
                report.mismatched.append(f"binding {key}")
    src_invites = dict(src.invites())
    dst_invites = dict(dst.invites())
    report.mismatched += [
        f"invitation {h[:8]}" for h, i in src_invites.items() if not same(i, dst_invites.get(h))
    ]
    src_accounts = {a["email"]: a for a in src.accounts()}
    dst_accounts = {a["email"]: a for a in dst.accounts()}
    report.mismatched += [f"account {e}" for e, a in src_accounts.items() if not same(a, dst_accounts.get(e))]
    src_entries = {e["key"]: e for e in source.outbox.all_entries()}
    dst_entries = {e["key"]: e for e in target.outbox.all_entries()}
    report.mismatched += [f"outbox {k}" for k, e in src_entries.items() if not same(e, dst_entries.get(k))]

    for name, language in source.edits.script_edit_names():
        for stamp in source.edits.script_edit_history(name, language):
            a = source.edits.script_edit_text(name, language, stamp)
            if a != target.edits.script_edit_text(name, language, stamp):
                report.mismatched.append(f"script edit {name}.{language} {stamp}")

    src_files = _files(src, everyone)
    for person, export, name in src_files:
        a, b = src.read_file(person, name, export=export), dst.read_file(person, name, export=export)
        if a is None or a != b:
            report.mismatched.append(f"file of {person}: {name}")

    dst_ids = set(dst.employee_ids())
    report.counts["records"] = (len(ids), len(dst_ids & set(ids)))
    report.counts["people"] = (len(people), len(theirs))
    report.counts["outbox entries"] = (len(src_entries), len(src_entries.keys() & dst_entries.keys()))
    report.counts["files"] = (len(src_files), len(set(_files(dst, everyone)) & set(src_files)))
    report.extra = {
        "records": len(dst_ids - set(ids)),
        "people": len(theirs.keys() - {str(p["id"]) for p in people}),
        "outbox entries": len(dst_entries.keys() - src_entries.keys()),
        "invitations": len(dst_invites.keys() - src_invites.keys()),
        "console accounts": len(dst_accounts.keys() - src_accounts.keys()),
    }
