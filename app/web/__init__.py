"""Server-rendered pages: login, home, inbox, task forms, loans (zh_CN first, English on request)."""
from flask_babel import get_locale
from flask_login import current_user

from ..extensions import login_manager
from .access import may_open

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
}


def unread_notifications():
    from ..extensions import db
    from ..inbox.models import Notification
    return db.session.execute(db.select(db.func.count(Notification.id)).where(
        Notification.recipient == current_user.username, Notification.read_at.is_(None))).scalar()


def init_web(app):
    from ..auth.models import User
    from ..extensions import db
    from . import (  # noqa: F401 - routes on pages.bp
        business_pages,
        case_pages,
        customer_pages,
        decision_pages,
        designer_pages,
        i18n,
        incident_pages,
        loan_pages,
        pages,
        product_pages,
        studio,
        supervisor_pages,
        version_pages,
        words,
    )

    i18n.init_i18n(app)
    words.register(app)
    app.register_blueprint(pages.bp)
    login_manager.login_view = "web.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
        return user if user is not None and user.active else None

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.context_processor
    def page_globals():
        return {"user": current_user, "has_page": may_open, "get_locale": get_locale,
                "unread": unread_notifications() if current_user.is_authenticated else 0}
