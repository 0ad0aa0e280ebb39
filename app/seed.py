"""Demo data for `flask --app wsgi seed-demo`: idempotent, safe to run again."""
import os
from decimal import Decimal

from . import clock
from .auth.models import Role, User
from .auth.service import hash_password
from .extensions import db
from .loans.identity import resident_id_check_char, uscc_check_char
from .loans.models import Customer, Product
from .loans.products import create_product
from .transaction import transactional

PRODUCTS = [
    ("PERSONAL_EI", "个人经营贷（等额本息）", "0.065000", "equal_installment", "10000", "3000000", 6, 60),
    ("SME_EP", "小微企业流动资金贷（等额本金）", "0.058000", "equal_principal", "50000", "5000000", 12, 60),
    ("BRIDGE_IO", "过桥周转贷（先息后本）", "0.085000", "interest_only", "10000", "2000000", 3, 24),
]
# name, type, first 17 characters of the ID, phone, score, monthly income (individuals) or annual
# revenue (enterprises), monthly debt payments, overdue count, address, employer or industry
CUSTOMERS = [
    ("张伟", "individual", "11010519800101123", "13800138001", 760, "60000", "6000", 0,
     "北京市朝阳区建国路88号", "北京华信科技有限公司"),
    ("李娜", "individual", "31011519850615234", "13900139002", 660, "25000", "7000", 0,
     "上海市浦东新区世纪大道100号", "上海浦江物流有限公司"),
    ("王强", "individual", "44030519900909345", "13700137003", 450, "8000", "6500", 4,
     "深圳市南山区科技园路1号", "个体经营（餐饮）"),
    ("杭州明远贸易有限公司", "enterprise", "91330106MA2B3C4D5", "0571-88886666", 720, "4800000", "80000", 0,
     "杭州市西湖区文三路200号", "批发和零售业"),
]


def _check_char(kind, first17):
    return resident_id_check_char(first17) if kind == "individual" else uscc_check_char(first17)


@transactional
def seed_demo():
    password = os.environ.get("DEMO_PASSWORD", "demo")
    roles = {r.code: r for r in db.session.execute(db.select(Role)).scalars()}
    counts = {"users": 0, "products": 0, "customers": 0}
    people = [(code, [code]) for code in roles] + [(code + "2", [code]) for code in roles]
    people.append(("multi_approver", ["branch_manager", "risk_officer", "credit_committee"]))
    for username, codes in people:
        if db.session.execute(db.select(User.id).where(User.username == username)).first():
            continue
        label = " / ".join(roles[c].name_zh for c in codes)
        db.session.add(User(username=username, display_name=f"{label}（{username}）",
                            password_hash=hash_password(password), active=True,
                            roles=[roles[c] for c in codes]))
        counts["users"] += 1
    for code, name, rate, method, low, high, min_term, max_term in PRODUCTS:
        if db.session.get(Product, code) is None:
            create_product(code, {"name": name, "annual_rate": Decimal(rate), "repayment_method": method,
                                  "min_amount": Decimal(low), "max_amount": Decimal(high),
                                  "min_term_months": min_term, "max_term_months": max_term}, "seed-demo")
            counts["products"] += 1
    for name, kind, first17, phone, score, income, debt, overdue, address, work in CUSTOMERS:
        id_number = first17 + _check_char(kind, first17)
        if db.session.execute(db.select(Customer.id).where(Customer.id_number == id_number)).first():
            continue
        individual = kind == "individual"
        db.session.add(Customer(customer_type=kind, name=name, id_number=id_number, phone=phone,
                                credit_score=score, monthly_debt_payment=Decimal(debt), overdue_count=overdue,
                                monthly_income=Decimal(income) if individual else None,
                                annual_revenue=None if individual else Decimal(income), address=address,
                                employer=work if individual else None, industry=None if individual else work,
                                credit_level="A" if score >= 700 else "B" if score >= 600 else "C",
                                created_at=clock.now()))
        counts["customers"] += 1
    if db.session.get(clock.BusinessDate, 1) is None:
        clock.set_business_date(clock.local_today())
    return counts
