import asyncio
import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from models import Member
from tests.record_support import record_for
from tests.support import Person, gql, signed_in_staff, signed_up

SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) { request { id referenceNumber } errors { field code } }
}
"""

CANCEL = """
mutation Cancel($input: CancelRequestInput!) {
  cancelRequest(input: $input) { errors { field code } }
}
"""

REVIEW = """
mutation Review($input: ReviewRequestInput!) {
  reviewRequest(input: $input) { errors { field code } }
}
"""

PAGE_FIELDS = """
  totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges {
    cursor
    node {
      id referenceNumber type status submittedAt
      service { name requiredDocuments }
      details { __typename }
      history { status actor at }
      applicant { id fullName }
    }
  }
"""

STAFF_PAGE = f"""
query Requests($filter: RequestFilter, $first: Int, $after: String) {{
  requests(filter: $filter, first: $first, after: $after) {{ {PAGE_FIELDS} }}
}}
"""

MY_PAGE = f"""
query MyRequests($status: RequestStatus, $type: ServiceType, $first: Int, $after: String) {{
  me {{ requests(status: $status, type: $type, first: $first, after: $after) {{ {PAGE_FIELDS} }} }}
}}
"""

DETAILS: list[dict[str, Any]] = [
    {"healthInsurance": {"dependents": 1}},
    {"physiotherapy": {"injuryDate": "2025-03-01", "diagnosis": "Torn ligament",
                       "sessionsRequested": 8, "preferredCity": "Jeddah"}},
    {"workInjury": {"injuryDate": "2025-02-11", "employer": "SABIC",
                    "description": "Burned hand at the plant."}},
    {"unemploymentBenefit": {"lastWorkingDay": "2025-04-30", "lastEmployer": "Almarai"}},
]


async def submit(client, person: Person, details: dict[str, Any]) -> dict[str, Any]:
    await record_for(person.national_id, details)
    result = await gql(client, SUBMIT, {"input": {"details": details}}, token=person.access_token)
    payload = result["data"]["submitRequest"]
    assert payload["errors"] == [], payload
    return payload["request"]


async def submit_and_cancel(client, person: Person, count: int) -> list[dict[str, Any]]:
    """`count` closed requests, each with a two-event history."""
    made = []
    for index in range(count):
        request = await submit(client, person, DETAILS[index % len(DETAILS)])
        result = await gql(client, CANCEL, {"input": {"requestId": request["id"]}},
                           token=person.access_token)
        assert result["data"]["cancelRequest"]["errors"] == []
        made.append(request)
    return made


async def my_page(client, person: Person, **variables: Any) -> dict[str, Any]:
    result = await gql(client, MY_PAGE, variables, token=person.access_token)
    assert "errors" not in result, result
    return result["data"]["me"]["requests"]


async def staff_page(client, staff: Person, **variables: Any) -> dict[str, Any]:
    result = await gql(client, STAFF_PAGE, variables, token=staff.access_token)
    assert "errors" not in result, result
    return result["data"]["requests"]


def references(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["referenceNumber"] for edge in page["edges"]]


log = logging.getLogger(__name__)
_counting: ContextVar[bool] = ContextVar("counting", default=False)


class StatementLog(logging.Handler):
    """Tortoise logs every statement it runs to "tortoise.db_client" at DEBUG. Only those
    run for the HTTP call being measured count, not the outbox worker's in the background."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if _counting.get():
            self.statements.append(record.getMessage())


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = StatementLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    token = _counting.set(True)
    try:
        yield handler.statements
    finally:
        _counting.reset(token)
        logger.setLevel(level)
        logger.removeHandler(handler)


async def test_the_statement_log_sees_each_statement_once(app):
    with statements() as seen:
        await Member.all().count()
        await Member.filter(national_id="1000000000").first()
        await Member.exists(mobile="+966500000000")
    assert len(seen) == 3
    assert all(statement.startswith("SELECT") for statement in seen)


async def test_a_page_of_every_members_requests_costs_the_same_statements_at_any_size(
    client, inbox, app
):
    people = [await signed_up(client, inbox) for _ in range(5)]
    staff = await signed_in_staff(client, app)
    await asyncio.gather(*(submit_and_cancel(client, person, 21) for person in people))
    counts = []
    for size in (1, 20, 100):
        # The sign-in's last-used time (at most once a minute) and the access log's entries
        # (once per applicant a staff member opens) are written by the first read: not counted.
        await staff_page(client, staff, first=size)
        with statements() as seen:
            page = await staff_page(client, staff, first=size)
        assert len(page["edges"]) == size
        assert all(len(edge["node"]["history"]) == 2 for edge in page["edges"])
        counts.append(len(seen))
    log.info("statements for pages of 1, 20 and 100 requests: %s", counts)
    assert counts[0] == counts[1] == counts[2], counts


async def test_a_page_of_a_members_own_requests_costs_the_same_statements_at_any_size(
    client, inbox
):
    person = await signed_up(client, inbox)
    await submit_and_cancel(client, person, 100)
    counts = []
    for size in (1, 20, 100):
        await my_page(client, person, first=1)  # as above: last-used written before the count
        with statements() as seen:
            page = await my_page(client, person, first=size)
        assert len(page["edges"]) == size
        counts.append(len(seen))
    log.info("statements for pages of 1, 20 and 100 requests: %s", counts)
    assert counts[0] == counts[1] == counts[2], counts


async def test_a_page_holds_at_most_100_requests(client, inbox, app):
    people = [await signed_up(client, inbox) for _ in range(3)]
    staff = await signed_in_staff(client, app)
    await asyncio.gather(*(submit_and_cancel(client, person, 34) for person in people))
    page = await staff_page(client, staff, first=100)
    assert len(page["edges"]) == 100
    assert page["totalCount"] == 102 and page["pageInfo"]["hasNextPage"] is True
    default = await staff_page(client, staff)
    assert len(default["edges"]) == 20


async def test_a_members_requests_are_newest_first_and_filter_by_status_and_type(
    client, inbox, app
):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    made = await submit_and_cancel(client, person, 2)
    made.append(await submit(client, person, DETAILS[0]))
    made.append(await submit(client, person, DETAILS[1]))
    result = await gql(client, REVIEW, {"input": {"requestId": made[-1]["id"],
                                                  "status": "UNDER_REVIEW"}},
                       token=staff.access_token)
    assert result["data"]["reviewRequest"]["errors"] == []

    everything = await my_page(client, person)
    assert references(everything) == [r["referenceNumber"] for r in reversed(made)]
    assert everything["totalCount"] == 4
    cancelled = await my_page(client, person, status="CANCELLED")
    assert references(cancelled) == [made[1]["referenceNumber"], made[0]["referenceNumber"]]
    physiotherapy = await my_page(client, person, type="PHYSIOTHERAPY")
    assert references(physiotherapy) == [made[3]["referenceNumber"], made[1]["referenceNumber"]]
    both = await my_page(client, person, type="PHYSIOTHERAPY", status="UNDER_REVIEW")
    assert references(both) == [made[3]["referenceNumber"]] and both["totalCount"] == 1


async def test_pages_follow_each_other_without_gaps_or_repeats(client, inbox):
    person = await signed_up(client, inbox)
    made = await submit_and_cancel(client, person, 7)
    seen: list[str] = []
    after = None
    while True:
        page = await my_page(client, person, first=3, after=after)
        seen += references(page)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [r["referenceNumber"] for r in reversed(made)]


async def test_staff_see_every_members_requests_oldest_first_and_filtered(client, inbox, app):
    one, two = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    first = await submit(client, one, DETAILS[0])
    second = await submit(client, two, DETAILS[0])
    third = await submit(client, one, DETAILS[2])
    page = await staff_page(client, staff)
    assert references(page) == [r["referenceNumber"] for r in (first, second, third)]
    assert len({edge["node"]["applicant"]["id"] for edge in page["edges"]}) == 2
    by_type = await staff_page(client, staff, filter={"type": "HEALTH_INSURANCE"})
    assert references(by_type) == [first["referenceNumber"], second["referenceNumber"]]
    later = await staff_page(client, staff, first=1, after=page["edges"][0]["cursor"])
    assert references(later) == [second["referenceNumber"]]
    none = await staff_page(client, staff, filter={"status": "APPROVED"})
    assert none["edges"] == [] and none["totalCount"] == 0


async def test_only_staff_can_list_every_members_requests(client, inbox):
    person = await signed_up(client, inbox)
    await submit(client, person, DETAILS[0])
    anonymous = await gql(client, STAFF_PAGE)
    member = await gql(client, STAFF_PAGE, token=person.access_token)
    assert anonymous["data"] is None and member["data"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert member["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_bad_cursor_or_a_negative_first_is_a_bad_user_input_error(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    calls = [
        (MY_PAGE, {"after": "definitely-not-a-cursor"}, person),
        (MY_PAGE, {"first": -1}, person),
        (STAFF_PAGE, {"after": "Zm9v"}, staff),
        (STAFF_PAGE, {"first": -5}, staff),
    ]
    for query, variables, caller in calls:
        result = await gql(client, query, variables, token=caller.access_token)
        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", result
        assert error["message"] != "Unexpected error."
        assert error["extensions"]["argument"] in {"after", "first"}


async def test_first_below_zero_and_above_a_hundred_are_refused_alike(client, inbox):
    person = await signed_up(client, inbox)
    answers = [await gql(client, MY_PAGE, {"first": first}, token=person.access_token)
               for first in (-5, 100000, 101)]
    errors = [answer["errors"][0] for answer in answers]
    assert all(answer["data"] == {"me": None} for answer in answers)
    assert all(error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"} for error in errors)
    assert {error["message"] for error in errors} == {"Must be between 0 and 100."}
    for first in (0, 100):
        fine = await gql(client, MY_PAGE, {"first": first}, token=person.access_token)
        assert "errors" not in fine, fine
