"""The ids of the records beside a person's own are built and read in one place (`bot.ids`):
what each says of its owner (whose turn writes it), whom it is about, its round and goal."""

from __future__ import annotations

import pytest

from bot import ids
from bot.people.privacy import _about
from bot.session import owner_of

CONVERSATION = "2027-01-18T10:00:00+01:00"


@pytest.mark.parametrize(
    ("record_id", "expected"),
    [
        ("anna", ids.RecordId("", "anna", "anna")),
        (ids.prep_id("mila", "anna", CONVERSATION), ids.RecordId("prep", "mila", "anna", CONVERSATION)),
        (ids.organisation_id("mila"), ids.RecordId("org", "mila", "mila")),
        (
            ids.checkin_id("anna", CONVERSATION, 2, 1),
            ids.RecordId("checkin", "anna", "anna", CONVERSATION, 1),
        ),
        (
            ids.evaluation_id("anna", CONVERSATION, 0),
            ids.RecordId("evaluation", "anna", "anna", CONVERSATION, 0),
        ),
        (ids.review_id("anna", CONVERSATION, 3), ids.RecordId("review", "anna", "anna", CONVERSATION, 3)),
    ],
)
def test_every_id_reads_back_as_it_was_built(record_id: str, expected: ids.RecordId) -> None:
    assert ids.parse(record_id) == expected
    assert owner_of(record_id) == expected.owner  # the lock of the right person's turn


def test_a_preparation_is_about_both_and_an_own_record_about_nobody_else() -> None:
    prep = ids.prep_id("mila", "anna", CONVERSATION)
    assert _about(prep, "anna") and _about(prep, "mila") and not _about(prep, "ben")
    assert not _about("anna", "anna")  # a person's own record is found by its id, not as a sub-dialog's
