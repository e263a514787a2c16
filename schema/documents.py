"""Documents, information requests and decision letters: their types, the Upload scalar, and the
public verification of a letter."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import strawberry
from limits import parse
from strawberry.file_uploads import Upload
from strawberry.types.scalar import ScalarDefinition

from models import DecisionLetter as DecisionLetterModel
from models import Document as DocumentModel
from models import InformationRequest as InformationRequestModel
from models import Role
from resolvers.documents import Upload as UploadedDocument
from resolvers.letters import decision as letters
from resolvers.platform.links import Grant, LinkKind
from resolvers.service_requests import search
from schema.base import Actor, DocumentKind, Node, RequestStatus, ServiceType, to_global_id
from schema.context import Info

VERIFICATIONS_PER_IP = parse("30 per minute")

# Strawberry's Upload, described as the contract describes it (StrawberryConfig.scalar_map).
UPLOAD_SCALAR = strawberry.scalar(
    name="Upload",
    description="A file part of a GraphQL multipart request (graphql-multipart-request-spec).",
    serialize=lambda value: None,
    parse_value=lambda value: value,
)
SCALARS: dict[object, ScalarDefinition] = {Upload: UPLOAD_SCALAR}


def verification_key(client_ip: str) -> str:
    """One budget per address for checking letters and certificates alike."""
    return f"verify-letter:{client_ip}"


async def download_url(info: Info, kind: LinkKind, key: uuid.UUID) -> str:
    viewer = await info.context.require_member()
    grant = Grant(kind=kind, key=key, viewer_id=viewer.id, staff=viewer.role is Role.STAFF)
    token = info.context.runtime.links.sign(grant, now=info.context.runtime.now())
    return f"{info.context.runtime.settings.public_url}/files/{token}"


@strawberry.type(
    description="A file attached to a request. Only its member and staff can see or download it."
)
class Document(Node):
    kind: DocumentKind = strawberry.field(description="What the document is.")
    file_name: str = strawberry.field(description="The file's name, sanitized.")
    content_type: str = strawberry.field(
        description="Detected from the content: application/pdf, image/jpeg or image/png."
    )
    size: int = strawberry.field(description="In bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the content.")
    uploaded_by: Actor = strawberry.field(description="Who attached it.")
    uploaded_at: dt.datetime = strawberry.field(description="When it was attached.")
    pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: DocumentModel) -> Document:
        return cls(
            id=to_global_id("Document", row.id),
            pk=row.id,
            kind=row.kind,
            file_name=row.file_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            uploaded_by=row.uploaded_by,
            uploaded_at=row.uploaded_at,
        )

    @strawberry.field(description="A link that downloads the file; it works for at most 5 minutes.")
    async def download_url(self, info: Info) -> str:
        return await download_url(info, LinkKind.DOCUMENT, self.pk)


@strawberry.type(description="What staff asked the member for when they set NEEDS_INFORMATION.")
class InformationRequest:
    note: str = strawberry.field(description="What staff wrote to the member.")
    documents: list[DocumentKind] = strawberry.field(description="The documents asked for.")
    respond_by: dt.date = strawberry.field(description="When the member should answer by.")
    requested_at: dt.datetime = strawberry.field(description="When staff asked.")

    @classmethod
    def from_model(cls, row: InformationRequestModel) -> InformationRequest:
        return cls(
            note=row.note,
            documents=[DocumentKind(kind) for kind in row.documents],
            respond_by=row.respond_by,
            requested_at=row.requested_at,
        )


@strawberry.type(description="A signed letter stating a decision; anyone holding its code can verify it.")
class DecisionLetter:
    verification_code: str = strawberry.field(description="Printed on the letter, e.g. 7KQ2-M9XD-4TPA.")
    issued_at: dt.datetime = strawberry.field(description="When the letter was issued.")
    pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, info: Info, row: DecisionLetterModel) -> DecisionLetter:
        return cls(
            verification_code=letters.code_of(info.context.runtime, row),
            issued_at=row.issued_at,
            pk=row.id,
        )

    @strawberry.field(description="A link to the PDF; it works for at most 5 minutes.")
    async def download_url(self, info: Info) -> str:
        return await download_url(info, LinkKind.LETTER, self.pk)


@strawberry.type(
    description="What a verification code proves, without revealing more than the letter itself."
)
class LetterVerification:
    valid: bool = strawberry.field(description="The code belongs to a letter this agency issued.")
    reference_number: str | None = strawberry.field(
        default=None, description="The request's reference number, as on the letter."
    )
    type: ServiceType | None = strawberry.field(default=None, description="The service.")
    status: RequestStatus | None = strawberry.field(default=None, description="The decision.")
    issued_at: dt.datetime | None = strawberry.field(default=None, description="When it was issued.")
    holder_name: str | None = strawberry.field(
        default=None, description="The holder's name, masked, e.g. S*** A*** A***."
    )


@strawberry.input(description="One file and what it is.")
class DocumentUploadInput:
    kind: DocumentKind = strawberry.field(description="What the document is.")
    file: Upload = strawberry.field(description="PDF, JPEG or PNG, at most 10 MiB.")


def to_uploads(items: list[DocumentUploadInput] | None) -> list[UploadedDocument]:
    return [UploadedDocument(kind=item.kind, file=_file(item.file)) for item in items or []]


def _file(value: Any) -> Any:
    # A JSON request can only give a string where a file belongs: it reads as no file at all,
    # which the rules refuse as an unsupported type.
    return value if hasattr(value, "read") else _NoFile()


class _NoFile:
    filename = None

    async def read(self, size: int = -1) -> bytes:
        return b""

    async def seek(self, offset: int) -> None:
        return None


async def load_document(info: Info, key: uuid.UUID) -> Document | None:
    """node(id): the document if the viewer may see its request; None otherwise."""
    viewer = await info.context.viewer()
    row = await DocumentModel.get_or_none(id=key).select_related("request")
    if viewer is None or row is None or not search.can_see(viewer, row.request):
        return None
    return Document.from_model(row)


@strawberry.type
class DocumentQuery:
    @strawberry.field(description="Public: checks a decision letter's verification code.")
    async def verify_decision_letter(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="As printed on the letter, e.g. 7KQ2-M9XD-4TPA.")],
    ) -> LetterVerification:
        runtime = info.context.runtime
        key = verification_key(info.context.client_ip)
        if not await runtime.throttle.hit(VERIFICATIONS_PER_IP, key):
            raise await info.context.rate_limited(VERIFICATIONS_PER_IP, key)
        found = await letters.verify(runtime, code)
        if found is None:
            return LetterVerification(valid=False)
        return LetterVerification(
            valid=True,
            reference_number=found.reference_number,
            type=found.type,
            status=found.status,
            issued_at=found.issued_at,
            holder_name=found.holder_name,
        )


QUERIES = (DocumentQuery,)
MUTATIONS: tuple[type, ...] = ()
