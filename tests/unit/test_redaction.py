"""GraphQL messages without suggestions (production) and without the document's literals (logs)."""

from __future__ import annotations

import pytest

from schema.redaction import loggable, without_suggestions


@pytest.mark.parametrize(
    ("message", "logged"),
    [
        ("Expected value of type 'LoginInput' not to include unknown field 'bogus', found: "
         '{ nationalId: "1", password: "s3cret" }.',
         "Expected value of type 'LoginInput' not to include unknown field 'bogus', found: ***"),
        ("String cannot represent a non string value: 482915",
         "String cannot represent a non string value: ***"),
        ("Expected value of type 'LoginInput' not to include unknown field 'passwrd'. Did you mean "
         "'password'? Found: { passwrd: \"x\" }.",
         "Expected value of type 'LoginInput' not to include unknown field 'passwrd'. Did you mean "
         "'password'? Found: ***"),
        ('Syntax Error: Unexpected String "s3cret".', "Syntax Error: Unexpected String ***."),
        ("Syntax Error: Unexpected Name 's3cret'.", "Syntax Error: Unexpected Name ***."),
        ("Syntax Error: Unterminated string.", "Syntax Error: Unterminated string."),
        ("Unknown argument 'statuss' on field 'Member.requests'.",
         "Unknown argument 'statuss' on field 'Member.requests'."),
        ("'Query' exceeds maximum operation depth of 10", "'Query' exceeds maximum operation depth of 10"),
    ],
)
def test_loggable_keeps_names_and_drops_values(message: str, logged: str) -> None:
    assert loggable(message) == logged


@pytest.mark.parametrize(
    ("message", "answered"),
    [
        ("Cannot query field 'mee' on type 'Query'. Did you mean 'me'?",
         "Cannot query field 'mee' on type 'Query'."),
        ("Unknown type 'RequestStatuss'. Did you mean 'RequestStatus', 'QuestionStatus', or "
         "'RequestFilter'?", "Unknown type 'RequestStatuss'."),
        ("Value 'SUBMITED' does not exist in 'RequestStatus' enum. Did you mean the enum value "
         "'SUBMITTED'?", "Value 'SUBMITED' does not exist in 'RequestStatus' enum."),
        ("Expected value of type 'LoginInput' not to include unknown field 'passwrd'. Did you mean "
         "'password'? Found: { passwrd: \"x\" }.",
         "Expected value of type 'LoginInput' not to include unknown field 'passwrd'. Found: "
         "{ passwrd: \"x\" }."),
        ("Unknown argument 'x' on field 'Query.me'.", "Unknown argument 'x' on field 'Query.me'."),
    ],
)
def test_without_suggestions(message: str, answered: str) -> None:
    assert without_suggestions(message) == answered
