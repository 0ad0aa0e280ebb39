"""Documents of a case over the API: upload (multipart), list, download — for those who may see the case."""
from flask import request, send_file
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..documents.models import Document
from ..documents.service import (
    KINDS,
    MAX_BYTES,
    get_document,
    storage_path,
    store_document,
)
from ..errors import Forbidden
from ..extensions import db
from ..inbox.rules import may_see_case
from ..transaction import transactional
from .fields import UtcDateTime
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("documents", __name__, description="Documents of a case")


class UploadForm(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    task_id = fields.Int(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class UploadFile(Schema):
    file = Upload(required=True, metadata={"description": "PDF, JPEG, PNG, Word (docx) or Excel (xlsx), at most 20 MB"})


class DocumentSchema(Schema):
    id = fields.Int()
    business_key = fields.Str()
    task_id = fields.Int(allow_none=True)
    kind = fields.Str()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    uploaded_by = fields.Str()
    uploaded_at = UtcDateTime()


def _require_visible(business_key):
    if not may_see_case(current_actor(), business_key):
        raise Forbidden("this case is not in any of your queues", code="wrong_role")


@blp.route("/cases/<business_key>/documents", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(UploadForm, location="form")
@blp.arguments(UploadFile, location="files")
@blp.response(201, DocumentSchema)
@transactional
def upload_document(form, files, business_key):
    """Keep a file with the case; its type is read from the content."""
    _require_visible(business_key)
    upload = files["file"]
    return store_document(business_key, form["kind"], upload.filename, upload.read(), current_actor().username,
                          form["task_id"])


@blp.route("/cases/<business_key>/documents", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, DocumentSchema(many=True))
def case_documents(business_key):
    _require_visible(business_key)
    return db.session.execute(db.select(Document).where(Document.business_key == business_key)
                              .order_by(Document.id)).scalars().all()


@blp.route("/documents/<int:document_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, description="the file itself")
def download_document(document_id):
    document = get_document(document_id)
    _require_visible(document.business_key)
    return send_file(storage_path(document.sha256), mimetype=document.content_type, as_attachment=True,
                     download_name=document.filename)


@blp.before_request
def allow_large_uploads():
    """A document may be up to 20 MB; every other request keeps the application's smaller limit."""
    if request.method == "POST" and request.path.endswith("/documents"):
        request.max_content_length = MAX_BYTES + 64 * 1024
