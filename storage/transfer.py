"""`popbot data migrate`: everything one store holds, copied into another — the files into
PostgreSQL, or back. The source is only read. Run again, it copies only what differs
(idempotent; a run cut off is finished by the next), and it verifies what it copied: the same
counts on both sides and, for every record, the same checksum.

What is not copied, and why: HR's progress counts (the target counts them again from the
records and plans on its first `roster show`), and a Telegram or Slack binding of someone who
is in neither the roster nor the records (no one can reach it by id).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PLATFORMS = ("telegram", "slack", "teams")


def checksum(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class Report:
    copied: dict[str, int] = field(default_factory=dict)  # what → how many written this run
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # what → (source, target)
    mismatched: list[str] = field(default_factory=list)  # records whose checksums differ

    @property
    def verified(self) -> bool:
        return not self.mismatched and all(s == t for s, t in self.counts.values())

    def summary(self) -> str:
        lines = [f"{what}: {s} in the source, {t} in the target" for what, (s, t) in self.counts.items()]
        written = ", ".join(f"{n} {what}" for what, n in self.copied.items() if n) or "nothing (all there)"
        lines.append(f"written this run: {written}")
        if self.mismatched:
            lines.append(f"{len(self.mismatched)} record(s) differ after the copy: run it again")
        lines.append("verified: counts and a checksum per record match" if self.verified else "NOT verified")
        return "\n".join(lines)


def transfer(source: Any, target: Any, *, say: Callable[[str], object] = lambda _line: None) -> Report:
    """Copy `source.people`/`source.outbox`/`source.scripts` into `target`'s (see module)."""
    src, dst = source.people, target.people
    report = Report()
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
    dst.save_roster(people, src.pending_plan())  # one atomic write: the whole roster
    report.copied["people"] = len(people)

    everyone = sorted({*ids, *(str(p["id"]) for p in people)})
    copied = 0
    for person in everyone:
        for platform in PLATFORMS:
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

    # verified: counts on both sides, and every record's checksum
    for employee_id in ids:
        a, b = src.load(employee_id), dst.load(employee_id)
        if (
            a is None
            or b is None
            or checksum(a.model_dump(mode="json")) != checksum(b.model_dump(mode="json"))
        ):
            report.mismatched.append(employee_id)
    report.counts["records"] = (len(ids), len(set(dst.employee_ids()) & set(ids)))
    report.counts["people"] = (len(people), len(list(dst.people())))
    src_keys = {e["key"] for e in source.outbox.all_entries()}
    dst_keys = {e["key"] for e in target.outbox.all_entries()}
    report.counts["outbox entries"] = (len(src_keys), len(src_keys & dst_keys))
    return report
