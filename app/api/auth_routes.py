from flask import request
from flask_smorest import Blueprint

from ..auth import service as auth
from .schemas import TokenRequest, TokenResponse
from .security import PUBLIC, rule

blp = Blueprint("auth", __name__, description="Log in and get a bearer token")


@blp.route("/auth/token", methods=["POST"])
@rule(PUBLIC)
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
@blp.doc(security=[])
def create_token(body):
    """Exchange a username and password for a bearer token.

    Repeated failures from one address, for one username or for many, are refused with 429 for a while.
    """
    user = auth.authenticate(body["username"], body["password"], request.remote_addr)
    return {"token": auth.issue_token(user)}
