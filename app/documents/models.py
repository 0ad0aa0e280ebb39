from ..extensions import db


class Document(db.Model):
    """A file kept with a case (and the task it was uploaded at); the bytes live in DOCUMENTS_DIR
    under their content hash, never in the database."""
    __tablename__ = "document"
    id = db.Column(db.Integer, primary_key=True)
    business_key = db.Column(db.String(64), nullable=False, index=True)
    task_id = db.Column(db.Integer, index=True)
    kind = db.Column(db.String(32), nullable=False)  # id_copy, contract, inspection_photo, evidence, other
    filename = db.Column(db.String(255), nullable=False)
    content_type = db.Column(db.String(96), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False, index=True)
    uploaded_by = db.Column(db.String(64), nullable=False)
    uploaded_at = db.Column(db.DateTime(timezone=True), nullable=False)
