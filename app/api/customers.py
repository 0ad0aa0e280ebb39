from flask_smorest import Blueprint

from ..loans import customers
from ..transaction import transactional
from .loan_schemas import CustomerRequest, CustomerSchema
from .security import AUTHENTICATED, current_api_user, rule

blp = Blueprint("customers", __name__, description="Customers")


@blp.route("/customers", methods=["POST"])
@rule("loan_officer", "branch_manager", "admin")
@blp.arguments(CustomerRequest)
@blp.response(201, CustomerSchema)
@transactional
def create_customer(body):
    return customers.create_customer(body["type"], body["name"], body["id_number"], body["phone"],
                                     actor=current_api_user().username)


@blp.route("/customers/<int:customer_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, CustomerSchema)
def get_customer(customer_id):
    return customers.get_customer(customer_id)
