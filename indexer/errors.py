"""Errors a maintainer sees when a document cannot be indexed.

Every error names the file and the specific reason, so the CLI and the app can show it as is.
"""
from __future__ import annotations


class DocumentError(Exception):
    """A document could not be read; nothing in the store was changed because of it."""

    reason = "unreadable document"

    def __init__(self, path: str, detail: str = "") -> None:
        self.path = str(path)
        self.detail = detail
        message = f"{self.path}: {self.reason}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class UnsupportedFormatError(DocumentError):
    reason = "unsupported format (supported: .pdf, .txt, .md, .docx, .jsonl proofread edition)"


class EmptyDocumentError(DocumentError):
    reason = "the document contains no text"


class EncryptedPdfError(DocumentError):
    reason = "the PDF is encrypted; decrypt it first (e.g. qpdf --decrypt in.pdf out.pdf)"


class CorruptPdfError(DocumentError):
    reason = "the PDF is corrupt or truncated and cannot be parsed"


class ImageOnlyPdfError(DocumentError):
    reason = ("the PDF has no text layer (scanned images only); run OCR first "
              "(e.g. ocrmypdf -l fas+eng in.pdf out.pdf) and add the OCRed PDF")


class EncodingError(DocumentError):
    reason = "the text file is not valid UTF-8 and no Persian legacy encoding fits"


class BinaryFileError(DocumentError):
    reason = "the file looks binary, not text"


class FileTooLargeError(DocumentError):
    reason = "the file is larger than the configured limit (settings: max_file_mb)"


class DocumentTooLongError(DocumentError):
    reason = ("the document is longer than one document may be (settings: max_document_chars, "
              "max_document_passages; raise them in kb.toml or KB_MAX_DOCUMENT_CHARS / "
              "KB_MAX_DOCUMENT_PASSAGES)")


class DuplicateDocumentError(DocumentError):
    reason = "the same content is already indexed under another document id"


class UnsafePathError(DocumentError):
    reason = "unsafe file name or path"


class NotADocumentError(UnsupportedFormatError):
    reason = ("not a document: the corpus's own files (manifest, README, PROVENANCE, licences) "
              "cannot be uploaded")


class NameConflictError(UnsafePathError):
    """A different file already has this name in the corpus (uploads and ``add --copy``)."""
