"""The deployed files: every version of every BPMN, DMN, form and process-test file a designer
deployed. What runs is read from here; the designers' folders are only their source."""
import hashlib

from .. import clock
from ..extensions import db
from .lru import app_cache
from .models import DeployedFile
from .scenario_files import SUFFIX

KINDS = ("bpmn", "dmn", "form", "scenarios")


def kind_of(name):
    if name.endswith(SUFFIX):
        return "scenarios"
    if name.endswith(".bpmn"):
        return "bpmn"
    if name.endswith(".dmn"):
        return "dmn"
    return "form"


def text_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _newest_query(kinds=None):
    newest = db.select(DeployedFile.name, db.func.max(DeployedFile.version).label("v")) \
        .group_by(DeployedFile.name)
    if kinds:
        newest = newest.where(DeployedFile.kind.in_(kinds))
    newest = newest.subquery()
    return db.select(DeployedFile).join(newest, db.and_(
        DeployedFile.name == newest.c.name, DeployedFile.version == newest.c.v)).order_by(DeployedFile.name)


def newest_files(kinds=None):
    """{name: DeployedFile} of the newest version of each deployed file (of the kinds named)."""
    return {row.name: row for row in db.session.execute(_newest_query(kinds)).scalars()}


def newest_texts(kinds=None):
    """{name: text} of the newest deployed version of each file (of the kinds named)."""
    query = _newest_query(kinds).options(db.undefer(DeployedFile.content))
    return {row.name: row.content for row in db.session.execute(query).scalars()}


def newest_version(name):
    """The number of the newest deployed version of a file, or None."""
    return db.session.execute(db.select(db.func.max(DeployedFile.version))
                              .where(DeployedFile.name == name)).scalar()


def file_text(name, version=None):
    """The text of a version of a deployed file (the newest without one), or None when not deployed.
    Texts are cached by content hash: a refused deploy may have numbered a version it never kept."""
    query = db.select(DeployedFile.content_hash).where(DeployedFile.name == name)
    query = query.where(DeployedFile.version == version) if version else \
        query.order_by(DeployedFile.version.desc()).limit(1)
    digest = db.session.execute(query).scalar()
    if digest is None:
        return None
    return app_cache("deployed_files").get((name, digest), lambda: db.session.execute(
        db.select(DeployedFile.content).where(DeployedFile.name == name, DeployedFile.content_hash == digest)
        .limit(1)).scalar())


def never_held(files):
    """The files (of {name: text}) whose content the database has never held under that name."""
    if not files:
        return {}
    held = set(map(tuple, db.session.execute(db.select(DeployedFile.name, DeployedFile.content_hash)
                                  .where(DeployedFile.name.in_(list(files)))).all()))
    return {name: text for name, text in files.items() if (name, text_hash(text)) not in held}


def store_files(files, deployed_by=None):
    """Store a new version of each file (of {name: text}) that differs from its newest version;
    return the new rows. Joins the caller's transaction."""
    current = newest_files()
    created = []
    for name in sorted(files):
        text, row = files[name], current.get(name)
        digest = text_hash(files[name])
        if row is not None and row.content_hash == digest:
            continue
        created.append(DeployedFile(name=name, kind=kind_of(name), content=text, content_hash=digest,
                                    version=(row.version + 1) if row else 1,
                                    deployed_by=deployed_by, deployed_at=clock.now()))
    db.session.add_all(created)
    db.session.flush()
    return created


def forms_of(summary):
    """The form files a process version's user tasks (and start event) show."""
    names = {task.get("form") for task in summary.get("user_tasks", [])} | {summary.get("start_form")}
    return sorted(n for n in names if n)


def pinned_forms(summary):
    """{form: newest deployed version} for the forms of a process version, as it is deployed now."""
    names = forms_of(summary)
    if not names:
        return {}
    return dict(db.session.execute(db.select(DeployedFile.name, db.func.max(DeployedFile.version))
                                   .where(DeployedFile.name.in_(names)).group_by(DeployedFile.name)).all())
