"""Every API endpoint declares who may call it; a new endpoint without a rule fails here."""
import re


def test_every_api_endpoint_has_an_access_rule(app):
    missing = []
    for url_rule in app.url_map.iter_rules():
        if not url_rule.rule.startswith("/api") or url_rule.endpoint.startswith("api-docs."):
            continue
        view = app.view_functions[url_rule.endpoint]
        if not getattr(view, "access_rule", None):
            missing.append(url_rule.rule)
    assert missing == []


def test_every_protected_endpoint_refuses_anonymous_calls(app):
    client = app.test_client()
    for url_rule in app.url_map.iter_rules():
        view = app.view_functions[url_rule.endpoint]
        if not url_rule.rule.startswith("/api") or "public" in (getattr(view, "access_rule", None) or ("public",)):
            continue
        path = re.sub(r"<(int:)?\w+>", "1", url_rule.rule)
        for method in url_rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, json={})
            assert response.status_code == 401, (method, path, response.status_code)


def test_every_role_rule_refuses_a_user_without_the_role(app, api):
    """For each endpoint limited to roles, someone holding none of them gets 403 wrong_role."""
    from app.auth.models import Role, User
    from app.extensions import db
    with app.app_context():  # roles a demo user is named by (a deployed lane may add a role nobody holds)
        every_role = sorted(db.session.execute(db.select(Role.code).join(User, User.username == Role.code)).scalars())
    checked = 0
    for url_rule in app.url_map.iter_rules():
        allowed = set(getattr(app.view_functions[url_rule.endpoint], "access_rule", None) or ())
        if not url_rule.rule.startswith("/api") or allowed & {"public", "authenticated"} or not allowed:
            continue
        outsider = next(code for code in every_role if code not in allowed)  # demo users are named by role
        path = re.sub(r"<(int:)?\w+>", "1", url_rule.rule)
        for method in url_rule.methods - {"HEAD", "OPTIONS"}:
            response = api.call(method, path, outsider, json={})
            assert response.status_code == 403, (method, path, outsider, response.status_code)
            assert response.get_json()["error"]["code"] == "wrong_role"
            checked += 1
    assert checked >= 8  # the role-limited endpoints today; a new one is checked automatically
