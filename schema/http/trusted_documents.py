"""Trusted documents (persisted operations): the documents the frontend was built with,
known by the SHA-256 of their text, from the manifest graphql-codegen's client preset
writes (`persistedDocuments`): `{"sha256:<hex>": "<document>", ...}`, with or without the
`sha256:` prefix. Each is parsed, validated and planned at start-up; a manifest that does
not load, an ID that is not its document's hash or a document the schema refuses stops the
server from starting, so a bad deploy never reaches a client.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson

from resolvers.platform.settings import ConfigurationError, Settings
from schema.execution import Executor

PREFIX = "sha256:"


def _hex(document_id: str) -> str:
    return document_id.removeprefix(PREFIX).lower()


class TrustedDocuments:
    def __init__(self, documents: dict[str, str], *, only: bool) -> None:
        self.by_hash = documents  # hex digest -> text
        self.texts = frozenset(documents.values())
        self.only = only

    @classmethod
    def from_settings(cls, settings: Settings) -> TrustedDocuments:
        if not settings.trusted_documents:
            return cls({}, only=False)
        path = Path(settings.trusted_documents)
        try:
            manifest = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise ConfigurationError(f"TRUSTED_DOCUMENTS: cannot read {path}: {exc}") from exc
        if not isinstance(manifest, dict) or not all(
            isinstance(key, str) and isinstance(text, str) for key, text in manifest.items()
        ):
            raise ConfigurationError(
                f"TRUSTED_DOCUMENTS: {path} must map document IDs to document texts")
        documents = {}
        for document_id, text in manifest.items():
            digest = hashlib.sha256(text.encode()).hexdigest()
            if _hex(document_id) != digest:
                raise ConfigurationError(
                    f"TRUSTED_DOCUMENTS: {document_id} is not the SHA-256 of its document "
                    f"(that is {PREFIX}{digest})")
            documents[digest] = text
        return cls(documents, only=settings.trusted_documents_only)

    def compile(self, executor: Executor) -> None:
        """Every document parsed, validated and planned now, and kept for the process."""
        for document_id, text in self.by_hash.items():
            prepared = executor.pin(text)
            if prepared.errors:
                raise ConfigurationError(
                    f"TRUSTED_DOCUMENTS: {PREFIX}{document_id} does not fit the schema: "
                    f"{prepared.errors[0].message}")

    def text_of(self, document_id: object) -> str | None:
        if not isinstance(document_id, str):
            return None
        return self.by_hash.get(_hex(document_id))

    def allows(self, query: str | None) -> bool:
        """A document sent as text runs unless only trusted ones may, and it is not one."""
        return not self.only or query in self.texts
