"""Which actions a request offers, by status and caller: the table the workflow enforces."""

import pytest

from models.enums import DocumentKind, RequestStatus
from resolvers.service_requests.actions import (
    REVIEW,
    REVIEW_MOVES,
    RequestAction,
    available,
    review_move_allowed,
)

A = RequestAction
S = RequestStatus
MISSING = [DocumentKind.MEDICAL_REPORT]


@pytest.mark.parametrize(
    ("status", "applicant", "staff", "missing", "expected"),
    [
        (S.SUBMITTED, True, False, [], [A.CANCEL, A.ATTACH_DOCUMENTS]),
        (S.SUBMITTED, False, True, [], [A.START_REVIEW, A.ASSIGN]),
        (S.UNDER_REVIEW, True, False, [], [A.CANCEL, A.ATTACH_DOCUMENTS]),
        (S.UNDER_REVIEW, False, True, [], [A.REQUEST_INFORMATION, A.APPROVE, A.REJECT, A.ASSIGN]),
        (S.UNDER_REVIEW, False, True, MISSING, [A.REQUEST_INFORMATION, A.REJECT, A.ASSIGN]),
        (S.NEEDS_INFORMATION, True, False, [],
         [A.CANCEL, A.ATTACH_DOCUMENTS, A.PROVIDE_INFORMATION]),
        (S.NEEDS_INFORMATION, False, True, [], [A.START_REVIEW, A.ASSIGN]),
        (S.APPROVED, True, True, [], []),
        (S.REJECTED, True, True, [], []),
        (S.CANCELLED, True, True, [], []),
        (S.SUBMITTED, False, False, [], []),
    ],
)
def test_available_actions(status, applicant, staff, missing, expected):
    assert available(status=status, applicant=applicant, staff=staff, missing=missing) == expected


@pytest.mark.parametrize("current", list(RequestStatus))
def test_staff_are_offered_exactly_the_moves_review_accepts(current):
    offered = available(status=current, applicant=False, staff=True, missing=[])
    targets = {REVIEW[action][1] for action in offered if action in REVIEW}
    assert targets == {t for t in RequestStatus if review_move_allowed(current, t)}
    assert targets == REVIEW_MOVES.get(current, frozenset())
