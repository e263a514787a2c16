"""graphql-core's own English messages, read back into a catalog key and an input path."""

import pytest
from graphql import GraphQLError, parse

from schema.http.request_errors import dotted, read

VARIABLE = "Variable '$input' has invalid value"


@pytest.mark.parametrize(
    ("message", "key", "field"),
    [
        (f"{VARIABLE} at .dateOfBirth: Value cannot represent a Date: \"30/11/2026\". Invalid "
         "isoformat string: '30/11/2026'", "value_date", "input.dateOfBirth"),
        (f"{VARIABLE}: Expected value of type 'RegisterInput' to include required field 'mobile', "
         "found: {'nationalId': '1'}.", "value_required", "input.mobile"),
        (f"{VARIABLE} at .documents[0]: Expected value of type 'DocumentUploadInput' to include "
         "required field 'file', found: {}.", "value_required", "input.documents.0.file"),
        (f"{VARIABLE} at .details.healthInsurance: Expected value of type 'HealthInsuranceInput' "
         "not to include unknown field 'bogus', found: {}.", "value_unknown_field",
         "input.details.healthInsurance.bogus"),
        (f"{VARIABLE} at .channel: Value 'FAX' does not exist in 'NotificationChannel' enum.",
         "value_enum", "input.channel"),
        ("Variable '$f' has invalid value: Int cannot represent non-integer value: 'two'",
         "value_whole_number", "f"),
        (f"{VARIABLE}: Expected a value of non-null type 'RegisterInput!' to be provided.",
         "value_required", "input"),
        (f"{VARIABLE} at .x: Something graphql-core may say one day.", "value_invalid", "input.x"),
        ("Cannot query field 'nope' on type 'Member'.", "unknown_selection", None),
        ("Cannot query field 'mee' on type 'Query'. Did you mean 'me'?",
         "unknown_selection_suggested", None),
        ("Unknown argument 'x' on field 'Query.me'.", "request_invalid", None),
    ],
)
def test_messages_are_read_into_a_key_and_a_field(message, key, field):
    reading = read(GraphQLError(message), None)
    assert reading is not None
    assert (reading.key, reading.field) == (key, field)


def test_a_literal_is_found_by_its_place_in_the_document():
    document = parse('mutation { submitRequest(input: {details: {healthInsurance: '
                     '{dependents: "two"}}}) { errors { code } } }')
    [error] = [GraphQLError('Int cannot represent non-integer value: "two"',
                            nodes=[node]) for node in _string_values(document)]
    reading = read(error, parse(document.loc.source.body))
    assert reading is not None
    assert reading.field == "input.details.healthInsurance.dependents"


def _string_values(document):
    from graphql import StringValueNode, visit
    from graphql.language import Visitor

    found = []

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_):
            found.append(node)

    visit(document, Strings())
    return found


@pytest.mark.parametrize(("path", "expected"), [
    (".documents[0].kind", ".documents.0.kind"), ("", ""), ("[2]", ".2")])
def test_list_indexes_read_as_dotted_paths(path, expected):
    assert dotted(path) == expected


def test_errors_already_in_the_callers_language_are_left_alone():
    error = GraphQLError("سجّل الدخول أولًا.", extensions={"code": "UNAUTHENTICATED"})
    assert read(error, None) is None
