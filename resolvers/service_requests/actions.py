"""What may be done with a request in each status, and by whom: the one table the workflow
enforces and `ServiceRequest.availableActions` reads."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from models.enums import DocumentKind, RequestStatus


class RequestAction(StrEnum):
    CANCEL = "CANCEL"
    ATTACH_DOCUMENTS = "ATTACH_DOCUMENTS"
    PROVIDE_INFORMATION = "PROVIDE_INFORMATION"
    START_REVIEW = "START_REVIEW"
    REQUEST_INFORMATION = "REQUEST_INFORMATION"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    ASSIGN = "ASSIGN"


# Each review move staff make, from the statuses it is allowed in, to its status.
REVIEW: dict[RequestAction, tuple[frozenset[RequestStatus], RequestStatus]] = {
    RequestAction.START_REVIEW: (
        frozenset({RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFORMATION}),
        RequestStatus.UNDER_REVIEW,
    ),
    RequestAction.REQUEST_INFORMATION: (
        frozenset({RequestStatus.UNDER_REVIEW}), RequestStatus.NEEDS_INFORMATION,
    ),
    RequestAction.APPROVE: (frozenset({RequestStatus.UNDER_REVIEW}), RequestStatus.APPROVED),
    RequestAction.REJECT: (frozenset({RequestStatus.UNDER_REVIEW}), RequestStatus.REJECTED),
}
# What staff may move a request to from each status.
REVIEW_MOVES: dict[RequestStatus, frozenset[RequestStatus]] = {
    status: frozenset(target for sources, target in REVIEW.values() if status in sources)
    for status in RequestStatus
    if any(status in sources for sources, _ in REVIEW.values())
}
OPEN_STATUSES = frozenset(REVIEW_MOVES)
REVIEW_ACTION_TO: dict[RequestStatus, RequestAction] = {
    target: action for action, (_, target) in REVIEW.items()
}
# The applicant's own actions, and staff's other one, with the statuses they are allowed in.
MEMBER_ACTIONS: dict[RequestAction, frozenset[RequestStatus]] = {
    RequestAction.CANCEL: OPEN_STATUSES,
    RequestAction.ATTACH_DOCUMENTS: OPEN_STATUSES,
    RequestAction.PROVIDE_INFORMATION: frozenset({RequestStatus.NEEDS_INFORMATION}),
}
STAFF_ACTIONS: dict[RequestAction, frozenset[RequestStatus]] = {
    **{action: sources for action, (sources, _) in REVIEW.items()},
    RequestAction.ASSIGN: OPEN_STATUSES,
}


def member_may(action: RequestAction, status: RequestStatus) -> bool:
    return status in MEMBER_ACTIONS[action]


def staff_may(action: RequestAction, status: RequestStatus) -> bool:
    return status in STAFF_ACTIONS[action]


def review_move_allowed(current: RequestStatus, target: RequestStatus) -> bool:
    action = REVIEW_ACTION_TO.get(target)
    return action is not None and staff_may(action, current)


def approvable(missing: Collection[DocumentKind]) -> bool:
    """A request is approved only once every required document is attached."""
    return not missing


def available(
    *, status: RequestStatus, applicant: bool, staff: bool, missing: Collection[DocumentKind]
) -> list[RequestAction]:
    """Exactly the actions the workflow would accept now, in the enum's order."""
    return [
        action for action in RequestAction
        if (applicant and action in MEMBER_ACTIONS and member_may(action, status))
        or (staff and action in STAFF_ACTIONS and staff_may(action, status)
            and (action is not RequestAction.APPROVE or approvable(missing)))
    ]
