"""Chinese first, English on request: ?lang=en|zh_CN is remembered in the session.

Message ids are English; app/translations holds the Chinese catalogue as a .po file, compiled
into the instance folder when it is newer than the compiled file, so no binary is committed.
"""
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request, session
from flask_babel import Babel

SOURCE = Path(__file__).resolve().parent.parent / "translations"


def _compile_catalogues(target):
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        # Babel looks catalogues up by the parsed locale name (zh_CN → zh_Hans_CN).
        locale = str(Locale.parse(po_path.parent.parent.name))
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        partial = mo_path.with_suffix(".part")  # several workers may start at once
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(mo_path)


def current_locale():
    choice = request.args.get("lang")
    if choice in ("zh_CN", "en"):
        session["lang"] = choice
    return session.get("lang", "zh_CN")


def init_i18n(app):
    target = Path(app.instance_path) / "translations"
    _compile_catalogues(target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    Babel(app, locale_selector=current_locale)
