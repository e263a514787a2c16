"""Documents attached to requests: uploads (checked, stored sealed, listed) and pdf_safety
(a PDF is inert before it is kept)."""

from resolvers.documents.uploads import (
    ALLOWED_TYPES,
    DOCUMENTS_PREFIX,
    MAX_FILE_BYTES,
    MAX_FILES,
    Upload,
    check_uploads,
    count_of,
    documents_of,
    documents_of_one,
    missing_kinds,
    record,
    stored,
)

__all__ = [
    "ALLOWED_TYPES",
    "DOCUMENTS_PREFIX",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "Upload",
    "check_uploads",
    "count_of",
    "documents_of",
    "documents_of_one",
    "missing_kinds",
    "record",
    "stored",
]
