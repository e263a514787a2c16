"""`enumLabels`: names for people of the schema's enums, and `policies`: the limits the
server enforces. Both public and the same for every caller in one language."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLEnumType, GraphQLError, GraphQLSchema

from resolvers.platform import policies as policy_rules
from resolvers.platform.i18n import MESSAGES, translate
from schema.context import Info

# Codes for programs: people read the error's message, never the code.
UNLABELED = frozenset({"ErrorCode"})


@strawberry.type(description="A value of an enum and its name for people.")
class EnumLabel:
    value: str = strawberry.field(description="The enum value, e.g. UNDER_REVIEW.")
    label: str = strawberry.field(description="Its name for people, in the caller's language.")


@strawberry.type(description="An enum's values with their names for people, in the caller's language.")
class EnumLabels:
    enum: str = strawberry.field(description="The GraphQL enum's name, e.g. RequestStatus.")
    values: list[EnumLabel] = strawberry.field(description="Every value, in the schema's order.")


@strawberry.type(description="What a client checks before sending: the same limits the server enforces.")
class Policies:
    max_file_bytes: int = strawberry.field(description="Largest file, in bytes.")
    max_files_per_request: int = strawberry.field(description="Most files one request carries, in all.")
    accepted_file_types: list[str] = strawberry.field(
        description="e.g. application/pdf, image/jpeg, image/png (read from the content)."
    )
    password_min_length: int = strawberry.field(description="Fewest characters of a password.")
    password_rules: str = strawberry.field(description="The password rules in the caller's language.")
    code_length: int = strawberry.field(description="Digits of a one-time code.")
    code_valid_seconds: int = strawberry.field(description="How long a one-time code works.")
    resend_after_seconds: int = strawberry.field(description="Wait before asking for a new code.")


def labeled_enums(schema: GraphQLSchema) -> list[GraphQLEnumType]:
    """Every enum of the served schema a person sees."""
    return [
        named for name, named in sorted(schema.type_map.items())
        if isinstance(named, GraphQLEnumType) and not name.startswith("__") and name not in UNLABELED
    ]


def missing_labels(schema: GraphQLSchema) -> list[str]:
    """`Enum.VALUE` of every value a person sees that the catalog does not name in every language."""
    return [
        f"{enum.name}.{value}"
        for enum in labeled_enums(schema)
        for value in enum.values
        if len(MESSAGES.get(f"{enum.name}.{value}", {})) < len(MESSAGES["REQUIRED"])
    ]


@strawberry.type
class LabelQuery:
    @strawberry.field(
        description="Public: names for people of the enums asked for (all when absent), "
        "in the caller's language."
    )
    def enum_labels(
        self,
        info: Info,
        enums: Annotated[
            list[str] | None,
            strawberry.argument(description='GraphQL enum names, e.g. ["RequestStatus"]; all when absent.'),
        ] = None,
    ) -> list[EnumLabels]:
        language = info.context.language
        served = {enum.name: enum for enum in labeled_enums(info.schema._schema)}
        unknown = [name for name in enums or () if name not in served]
        if unknown:
            raise GraphQLError(
                translate("unknown_enums", language, names=", ".join(unknown)),
                extensions={"code": "BAD_USER_INPUT", "field": "enums"},
            )
        chosen = [served[name] for name in dict.fromkeys(enums)] if enums else list(served.values())
        return [
            EnumLabels(
                enum=enum.name,
                values=[
                    EnumLabel(value=value, label=translate(f"{enum.name}.{value}", language))
                    for value in enum.values
                ],
            )
            for enum in chosen
        ]

    @strawberry.field(description="Public: the limits the server enforces.")
    def policies(self, info: Info) -> Policies:
        found = policy_rules.policies(info.context.language)
        return Policies(
            max_file_bytes=found.max_file_bytes,
            max_files_per_request=found.max_files_per_request,
            accepted_file_types=list(found.accepted_file_types),
            password_min_length=found.password_min_length,
            password_rules=found.password_rules,
            code_length=found.code_length,
            code_valid_seconds=found.code_valid_seconds,
            resend_after_seconds=found.resend_after_seconds,
        )


QUERIES = (LabelQuery,)
MUTATIONS: tuple[type, ...] = ()
