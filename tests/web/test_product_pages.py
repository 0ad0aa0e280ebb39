"""/products: everyone sees the products and their terms; an admin creates and changes them, and a
change is a new version that loans already applied for do not follow."""
from decimal import Decimal

from app.extensions import db
from app.loans.models import Product

from .test_pages import login

NEW = {"code": "PAGE_EP", "name": "页面新建产品（等额本金）", "rate_percent": "7.2", "repayment_method": "equal_principal",
       "min_amount": "20000", "max_amount": "800000", "min_term_months": "6", "max_term_months": "36",
       "penalty_rate_multiplier": "1.5", "grace_days": "3", "prepayment_rule": "shorten_term", "active": "on"}


def test_an_admin_creates_then_changes_a_product_on_its_page(app):
    admin = login(app, "admin")
    created = admin.post("/products/new", data=NEW)
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    changed = admin.post("/products/PAGE_EP", data=dict(NEW, rate_percent="6.8", grace_days="5"))
    assert changed.status_code == 302
    page = admin.get("/products/PAGE_EP").get_data(as_text=True)
    assert "版本历史" in page and "v2" in page and "v1" in page
    with app.app_context():
        product = db.session.get(Product, "PAGE_EP")
        assert (product.annual_rate, product.grace_days, product.version) == (Decimal("0.068"), 5, 2)
    listing = login(app, "loan_officer").get("/products").get_data(as_text=True)
    assert "页面新建产品" in listing and "6.8%" in listing.replace("6.8000%", "6.8%")


def test_wrong_terms_are_named_at_their_field_and_nothing_is_saved(app):
    admin = login(app, "admin")
    refused = admin.post("/products/new", data=dict(NEW, code="PAGE_BAD", rate_percent="abc", min_amount="９00",
                                                    max_term_months="1"))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请以百分数填写年利率" in page and "请填写金额" in page
    with app.app_context():
        assert db.session.get(Product, "PAGE_BAD") is None


def test_only_an_admin_may_change_a_product(app):
    officer = login(app, "loan_officer")
    assert officer.get("/products/PERSONAL_EI").status_code == 200
    assert officer.post("/products/PERSONAL_EI", data=dict(NEW, rate_percent="1")).status_code == 403
    assert officer.post("/products/new", data=NEW).status_code == 403
