"""Keeping documents: the type is read from the content, not the name; at most 20 MB; the bytes
are stored under their SHA-256 in DOCUMENTS_DIR, so the same file uploaded twice is kept once."""
import hashlib
import io
import zipfile
from pathlib import Path

from flask import current_app

from .. import clock
from ..audit import record_event
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from .models import Document

KINDS = ("id_copy", "contract", "inspection_photo", "evidence", "other")
MAX_BYTES = 20 * 1024 * 1024
OFFICE = {"word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
          "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def sniff(content: bytes):
    """(extension, content type) read from the bytes themselves; None for anything else."""
    if content.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for folder, found in OFFICE.items():
                if any(name.startswith(folder) for name in names):
                    return found
    return None


def storage_path(sha256):
    return Path(current_app.config["DOCUMENTS_DIR"]) / sha256[:2] / sha256


def store_document(business_key, kind, filename, content: bytes, uploaded_by, task_id=None):
    """Check and keep one file for a case; the row commits with the caller's transaction."""
    errors = {}
    if kind not in KINDS:
        errors["kind"] = [f"must be one of {', '.join(KINDS)}"]
    if not content:
        errors["file"] = ["is empty"]
    elif len(content) > MAX_BYTES:
        errors["file"] = ["is larger than 20 MB"]
    elif sniff(content) is None:
        errors["file"] = ["is not a PDF, JPEG, PNG, Word (docx) or Excel (xlsx) file"]
    if errors:
        raise ValidationFailed("the document cannot be kept", errors)
    extension, content_type = sniff(content)
    sha256 = hashlib.sha256(content).hexdigest()
    path = storage_path(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(path)
    name = Path(filename or f"document.{extension}").name[:200] or f"document.{extension}"
    document = Document(business_key=business_key, task_id=task_id, kind=kind, filename=name,
                        content_type=content_type, size=len(content), sha256=sha256, uploaded_by=uploaded_by,
                        uploaded_at=clock.now())
    db.session.add(document)
    db.session.flush()
    record_event("document_uploaded", uploaded_by, business_key=business_key, task_id=task_id,
                 subject=f"document:{document.id}", after={"kind": kind, "filename": name, "sha256": sha256})
    return document


def get_document(document_id):
    document = db.session.get(Document, document_id)
    if document is None or not storage_path(document.sha256).exists():
        raise NotFound(f"document {document_id} does not exist")
    return document


def kinds_on_case(business_key):
    return set(db.session.execute(db.select(Document.kind).where(Document.business_key == business_key)).scalars())
