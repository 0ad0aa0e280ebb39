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
