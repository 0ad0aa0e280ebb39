"""/cases/<business_key>: the whole case in one place — customer, application and scoring, every
process of the case and where it stands, the open tasks, the trail of decisions, documents, loan;
to supervisors and designers, its open incidents."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..documents.models import Document
from ..documents.service import (
    KINDS,
    MAX_BYTES,
    get_document,
    storage_path,
    store_document,
)
from ..errors import ValidationFailed
from ..extensions import db
from ..inbox.models import HumanTask
from ..inbox.rules import may_see_case
from ..inbox.trail import case_trail
from ..incidents import handles_incidents, list_incidents
from ..loans.models import Loan, LoanApplication
from ..transaction import transactional
from ..workflow.models import ProcessInstance
from .pages import actor, bp


def _case(business_key):
    instances = db.session.execute(db.select(ProcessInstance).where(
        ProcessInstance.business_key == business_key).order_by(ProcessInstance.id)).scalars().all()
    application = db.session.execute(db.select(LoanApplication).where(
        LoanApplication.number == business_key)).scalar_one_or_none()
    loan = db.session.execute(db.select(Loan).where(Loan.business_key == business_key)).scalar_one_or_none()
    if not (instances or application or loan):
        abort(404)
    open_tasks = db.session.execute(db.select(HumanTask).where(
        HumanTask.business_key == business_key, HumanTask.status == "open").order_by(HumanTask.id)).scalars().all()
    documents = db.session.execute(db.select(Document).where(
        Document.business_key == business_key).order_by(Document.id)).scalars().all()
    customer = application.customer if application else (loan.application.customer if loan else None)
    return dict(business_key=business_key, instances=instances, application=application, loan=loan,
                customer=customer, open_tasks=open_tasks, documents=documents, trail=case_trail(business_key))


@bp.route("/cases/<business_key>")
@login_required
def case_page(business_key):
    case = _case(business_key)
    _require_case_visible(business_key)
    shown = list_incidents(actor(), business_key=business_key) if handles_incidents(current_user) else []
    return render_template("case.html", document_kinds=KINDS, incidents=shown, **case)


def _require_case_visible(business_key):
    if not may_see_case(actor(), business_key):
        abort(403)


@bp.route("/cases/<business_key>/documents", methods=["POST"])
@login_required
def upload_document(business_key):
    _require_case_visible(business_key)
    request.max_content_length = MAX_BYTES + 64 * 1024  # the form around the file
    upload = request.files.get("file")
    task_id = request.form.get("task_id", type=int)
    try:
        transactional(store_document)(business_key, request.form.get("kind", ""),
                                      upload.filename if upload else "", upload.read() if upload else b"",
                                      actor().username, task_id)
    except ValidationFailed as err:
        flash("; ".join(m for messages in err.details.values() for m in messages), "error")
    else:
        flash(_("Document kept with the case."), "ok")
    if task_id:
        return redirect(url_for("web.task_page", task_id=task_id))
    return redirect(url_for("web.case_page", business_key=business_key))


@bp.route("/documents/<int:document_id>")
@login_required
def download_document(document_id):
    document = get_document(document_id)
    _require_case_visible(document.business_key)
    return send_file(storage_path(document.sha256), mimetype=document.content_type, as_attachment=True,
                     download_name=document.filename)
