from flask_smorest import Blueprint

from .. import clock, loan_cases
from ..extensions import db
from ..loans import applications, lookup, products
from ..loans.models import Product
from ..transaction import transactional
from ..workflow.models import ProcessInstance
from .loan_schemas import (
    ApplicationRequest,
    ApplicationSchema,
    BusinessDateSchema,
    IdempotencyHeaders,
    LedgerEntrySchema,
    LoanSchema,
    ProductChange,
    ProductRequest,
    ProductSchema,
    ProductVersionSchema,
    RepaymentRequest,
    RepaymentSchema,
    WriteOffRequest,
)
from .processes import instance_view
from .schemas import InstanceSchema
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("loans", __name__, description="Products, loan applications and loans")


@blp.route("/products", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, ProductSchema(many=True))
def list_products():
    """The products offered now (admins see withdrawn ones too)."""
    query = db.select(Product).order_by(Product.code)
    if "admin" not in current_actor().roles:
        query = query.where(Product.active)
    return db.session.execute(query).scalars().all()


@blp.route("/products", methods=["POST"])
@rule("admin")
@blp.arguments(ProductRequest)
@blp.response(201, ProductSchema)
@transactional
def create_product(body):
    """A new product, version 1."""
    return products.create_product(body.pop("code"), body, current_actor().username)


@blp.route("/products/<code>", methods=["PUT"])
@rule("admin")
@blp.arguments(ProductChange(partial=True))
@blp.response(200, ProductSchema)
@transactional
def change_product(body, code):
    """New terms as a new version; loans already applied for keep the version they were signed on."""
    return products.change_product(code, body, current_actor().username)


@blp.route("/products/<code>/versions", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, ProductVersionSchema(many=True))
def product_versions(code):
    return products.get_product(code).versions


def application_view(application):
    application.process_instance_id = db.session.execute(
        db.select(ProcessInstance.id).where(ProcessInstance.business_key == application.number)
        .order_by(ProcessInstance.id).limit(1)).scalar_one_or_none()
    return application


@blp.route("/loan-applications", methods=["POST"])
@rule("loan_officer")
@blp.arguments(ApplicationRequest)
@blp.response(201, ApplicationSchema)
def create_application(body):
    return application_view(loan_cases.submit_application(body, current_actor()))


@blp.route("/loan-applications/<int:application_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, ApplicationSchema)
def get_application(application_id):
    return application_view(applications.get_application(application_id))


@blp.route("/loans/<int:loan_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, LoanSchema)
def get_loan(loan_id):
    return lookup.get_loan(loan_id)


@blp.route("/loans/<int:loan_id>/ledger", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, LedgerEntrySchema(many=True))
def get_ledger(loan_id):
    """Every money movement of a loan, oldest first: disbursement, accruals, penalties, repayments, write-off."""
    return lookup.get_loan(loan_id).ledger


@blp.route("/loans/<int:loan_id>/repayments", methods=["POST"])
@rule("cashier")
@blp.arguments(RepaymentRequest)
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.response(201, RepaymentSchema)
def record_repayment(body, headers, loan_id):
    """The cashier enters a payment; finance confirms it in the inbox before it is posted."""
    return loan_cases.record_repayment(loan_id, body["amount"], body["paid_on"], current_actor(),
                                       headers.get("idempotency_key") or None, body["prepayment_choice"],
                                       body["overpayment_reason"])


@blp.route("/loans/<int:loan_id>/write-off", methods=["POST"])
@rule("risk_officer")
@blp.arguments(WriteOffRequest)
@blp.response(201, InstanceSchema)
def request_write_off(body, loan_id):
    """Open the write-off process for a loan; its eligibility table and three levels decide."""
    return instance_view(loan_cases.request_write_off(loan_id, body["reason"], body["evidence"], current_actor()))


@blp.route("/business-date", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, BusinessDateSchema)
def get_business_date():
    return {"business_date": clock.business_date()}
