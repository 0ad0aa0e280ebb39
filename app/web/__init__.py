"""Server-rendered pages: login, home, inbox, task forms (zh_CN first, English on request)."""


def init_web(app):
    from . import i18n, pages
    i18n.init_i18n(app)
    app.register_blueprint(pages.bp)
