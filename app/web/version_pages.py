"""Versions of a process for designers and supervisors: what changed between two, and moving the
running instances of an older version to a newer one (preview, then the chosen instances)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import AppError
from ..process_versions import (
    compare_versions,
    handles_versions,
    move_instances,
    migration_preview,
    version_numbers,
)
from .access import allowed_when
from .messages import flash_refusal
from .pages import actor, bp
from .words import bilingual


def property_label(code):
    """A changed property in words: 名称 / Name, 扩展属性 dueIn (期限) …"""
    fixed = {"name": _("Name"), "lane": _("Lane (role)"), "type": _("Element type"), "incoming": _("Comes from"),
             "outgoing": _("Leads to"), "script": _("Script"), "preScript": _("Script before"),
             "postScript": _("Script after"), "default": _("Default flow"), "documentation": _("Documentation")}
    if code in fixed:
        return fixed[code]
    kind, _sep, name = code.partition(":")
    named = {"formJsonSchemaFilename": _("Form"), "dueIn": _("Due time"), "fourEyesGroup": _("Four-eyes group"),
             "excludeInitiator": _("Not the initiator")}
    if kind == "property":
        return _("Property %(name)s", name=named.get(name, name))
    if kind == "condition":
        return _("Condition of the flow to %(target)s", target=name)
    if kind == "event":
        return _("Event: %(field)s", field={"expression": _("timer or event expression")}.get(name, name))
    if kind == "extension":
        return _("Extension %(name)s", name=name)
    return code


def reason_text(reason):
    """Why an instance cannot move, as a sentence in the page's language."""
    name = bilingual(reason.get("name") or reason.get("element") or "")
    sentences = {
        "waiting_at_removed": _("It waits at %(name)s, which the new version removes.", name=name),
        "passed_removed": _("It has been through %(name)s, which the new version removes; its history "
                            "cannot be kept.", name=name),
        "planned_removed": _("Its planned path goes through %(name)s, which the new version removes.", name=name),
        "process_removed": _("It runs the process %(name)s, which the new version no longer has.",
                             name=reason.get("process", "")),
    }
    return sentences.get(reason["code"], _("The engine cannot move it: %(message)s", message=reason.get("message")))


def _pair(key):
    numbers = version_numbers(key)
    newest = numbers[-1]
    older = numbers[-2] if len(numbers) > 1 else newest
    a = request.values.get("from", type=int) or older
    b = request.values.get("to", type=int) or newest
    return numbers, a, b


def _tell(result, a, b):
    """What a move did, a message per instance that stayed."""
    if result["moved"]:
        flash(_("%(count)d instance(s) moved to version %(version)d.", count=len(result["moved"]), version=b), "ok")
    for entry in result["refused"]:
        flash(_("Instance %(id)d stays on version %(version)d: %(reason)s", id=entry["id"], version=a,
                reason=" ".join(reason_text(r) for r in entry["reasons"])), "error")
    for entry in result["conflicts"]:
        flash(_("Instance %(id)d changed meanwhile and was not moved; try again.", id=entry["id"]), "error")


def _page_of(view):
    try:
        return view()
    except AppError as err:
        if err.status == 404:
            abort(404)
        raise


@bp.route("/processes/<key>/versions/compare")
@allowed_when(handles_versions)
def version_compare(key):
    def view():
        numbers, a, b = _pair(key)
        diff = compare_versions(key, a, b, actor())
        return render_template("version_compare.html", key=key, numbers=numbers, a=a, b=b, diff=diff,
                               property_label=property_label)
    return _page_of(view)


@bp.route("/processes/<key>/versions/migrate", methods=["GET", "POST"])
@allowed_when(handles_versions)
def version_migrate(key):
    def view():
        numbers, a, b = _pair(key)
        if request.method == "POST":
            chosen = [int(i) for i in request.form.getlist("instance_ids") if i.isdigit()]
            if not chosen:
                flash(_("Choose at least one instance to move."), "error")
            else:
                try:
                    _tell(move_instances(key, a, b, chosen, actor()), a, b)
                except AppError as err:
                    if err.status == 404:
                        raise  # _page_of answers with the 404 page
                    flash_refusal(err)
            return redirect(url_for("web.version_migrate", key=key, **{"from": a, "to": b}))
        preview, page = None, max(request.args.get("page", 1, type=int), 1)
        if b > a:
            preview = migration_preview(key, a, b, actor(), page)
        pages = max(-(-preview["total"] // preview["per_page"]), 1) if preview else 1
        return render_template("version_migrate.html", key=key, numbers=numbers, a=a, b=b, preview=preview,
                               reason_text=reason_text, page=page, pages=pages)
    return _page_of(view)
