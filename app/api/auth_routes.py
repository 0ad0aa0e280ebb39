from flask_smorest import Blueprint

from ..auth import service as auth
from .schemas import TokenRequest, TokenResponse
from .security import PUBLIC, rule

blp = Blueprint("auth", __name__, description="Log in and get a bearer token")


@blp.route("/auth/token", methods=["POST"])
@rule(PUBLIC)
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
def create_token(body):
    user = auth.authenticate(body["username"], body["password"])
    return {"token": auth.issue_token(user)}
