def init_i18n(app):
    pass
