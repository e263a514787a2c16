"""What GraphQL's own messages may say: to clients in production, and to the log always.

graphql-core's validation messages suggest names ("Did you mean 'password'?"), which lets a
tool rebuild the schema without introspection: production answers without them. They also
print the literals of the document ("found: { nationalId: "1", password: "..." }", "non
string value: 123456"), which may be a password, a code or a token: the log gets the
message with every literal cut out, whatever the environment.
"""

from __future__ import annotations

import re

SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")
# What follows these words is the document's value, printed back.
PRINTED_VALUE = re.compile(r"(\b[Ff]ound:?|\bvalue:)\s.*", re.DOTALL)
QUOTED = re.compile(r'"""(?:[^"]|"(?!""))*"""|"(?:[^"\\]|\\.)*"?')
SYNTAX_TOKEN = re.compile(r"'[^']*'")
HIDDEN = "***"


def without_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


def loggable(message: str) -> str:
    """The message with the document's literals replaced by ***: names of types, fields and
    arguments stay, values never do."""
    message = PRINTED_VALUE.sub(lambda m: f"{m[1]} {HIDDEN}", message)
    message = QUOTED.sub(HIDDEN, message)
    if message.startswith("Syntax Error:"):
        # A token the lexer quotes may be a value the client forgot to put in quotes.
        message = SYNTAX_TOKEN.sub(HIDDEN, message)
    return message
