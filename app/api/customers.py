from flask_smorest import Blueprint

from ..extensions import db
from ..loans import customers
from ..transaction import transactional
from .loan_schemas import (
    CustomerChange,
    CustomerPage,
    CustomerRequest,
    CustomerSchema,
    CustomerSearch,
)
from .security import AUTHENTICATED, current_api_user, rule

blp = Blueprint("customers", __name__, description="Customers")
REGISTRARS = customers.REGISTERING_ROLES


@blp.route("/customers", methods=["POST"])
@rule(*REGISTRARS)
@blp.arguments(CustomerRequest)
@blp.response(201, CustomerSchema)
@transactional
def create_customer(body):
    """Register a customer with what scoring reads; financials left out are unknown (manual review)."""
    return customers.create_customer(body.pop("type"), body.pop("name"), body.pop("id_number"), body.pop("phone"),
                                     actor=current_api_user().username, **body)


@blp.route("/customers", methods=["GET"])
@rule(AUTHENTICATED)
@blp.arguments(CustomerSearch, location="query")
@blp.response(200, CustomerPage)
def search_customers(args):
    query = customers.search_customers(args["q"], args["type"])
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    items = db.session.execute(query.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])).scalars()
    return {"items": list(items), "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/customers/<int:customer_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, CustomerSchema)
def get_customer(customer_id):
    return customers.get_customer(customer_id)


@blp.route("/customers/<int:customer_id>", methods=["PUT"])
@rule(*REGISTRARS)
@blp.arguments(CustomerChange)
@blp.response(200, CustomerSchema)
@transactional
def change_customer(body, customer_id):
    """Change what is recorded of a customer (not the type or ID number); audited before and after."""
    return customers.update_customer(customer_id, body, current_api_user().username)
