"""The inbox at scale: search over one case-folded column, counts that stop at a limit, queue
membership kept as tasks are claimed and handed on, and the migration that fills both in."""
import random
import tempfile

from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db
from app.inbox.actors import Actor
from app.inbox.models import HumanTask, HumanTaskRole
from app.inbox.queries import list_tasks, scope_count
from config import TestConfig
from tests.inbox.test_inbox_list import customer, listed, three_cases
from tests.loans.helpers import apply, open_task
from tests.web.test_pages import login


def test_search_ignores_case_matches_the_case_number_and_takes_percent_literally(api):
    tag = f"{random.randrange(10**6):06d}"
    key = apply(api, "60000", customer_id=customer(api, f"Ärger{tag}%Ü"), term_months=12)["business_key"]
    assert [c for c, _ in listed(api, f"scope=todo&search=ärger{tag}%25ü")] == [f"Ärger{tag}%Ü"]
    assert [c for c, _ in listed(api, f"scope=todo&search={key.lower()}")] == [f"Ärger{tag}%Ü"]
    assert listed(api, f"scope=todo&search=ärger{tag}%25%25") == []  # % is a character, not a wildcard
    assert listed(api, f"scope=todo&search=ärger%25ü") == []


def test_counts_stop_at_the_limit(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "INBOX_COUNT_LIMIT", 2)
    tag, _ = three_cases(api)
    page = login(app, "loan_officer").get(f"/inbox?search={tag}").get_data(as_text=True)
    assert "共 2+ 项任务" in page
    tabs = page.split('<nav class="tabs">')[1].split("</nav>")[0]
    assert '<span class="count">2+</span>' in tabs
    assert page.split("<tbody>")[1].split("</tbody>")[0].count(tag) == 3  # the rows are all there
    answer = api.get(f"/api/tasks?scope=todo&search={tag}", "loan_officer").get_json()
    assert (answer["total"], answer["total_capped"], len(answer["items"])) == (2, True, 3)
    answer = api.get(f"/api/tasks?scope=todo&search={tag}乙", "loan_officer").get_json()
    assert (answer["total"], answer["total_capped"]) == (1, False)


def test_a_task_leaves_the_role_queue_while_someone_holds_it(app, api):
    key = apply(api, "60000", term_months=12)["business_key"]
    task_id = open_task(api, key, "check_completeness")["id"]

    def queued():
        in_list = task_id in [t["id"] for t in api.get(f"/api/tasks?scope=role&business_key={key}",
                                                       "loan_officer").get_json()["items"]]
        with app.app_context():
            flags = set(db.session.execute(db.select(HumanTaskRole.claimable)
                                           .where(HumanTaskRole.task_id == task_id)).scalars())
        assert flags == {in_list}
        return in_list

    assert queued()
    assert api.post(f"/api/tasks/{task_id}/claim", "loan_officer").status_code == 200
    assert not queued()
    assert api.post(f"/api/tasks/{task_id}/release", "loan_officer").status_code == 200
    assert queued()
    assigned = api.post(f"/api/tasks/{task_id}/assign", "supervisor", json={"username": "loan_officer2"})
    assert assigned.status_code == 200, assigned.get_json()
    assert not queued()
    assert api.post(f"/api/tasks/{task_id}/release", "supervisor", json={"reason": "回到队列"}).status_code == 200
    assert queued()


def test_the_migration_fills_search_text_and_queue_flags_of_existing_tasks():
    from flask_migrate import upgrade
    url = f"sqlite:///{tempfile.mkdtemp(prefix='loanflow-migration-')}/m.sqlite3"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    with create_app(Config()).app_context():
        upgrade(revision="0017")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO process_definition (id, key, name, version, content_hash, files, spec_json, summary, "
                "deployed_at) VALUES (1, 'p', 'P', 1, 'h', '{}', '{}', '{}', '2026-12-01')"))
            conn.execute(text(
                "INSERT INTO process_instance (id, definition_id, process_key, business_key, status, state, "
                "serializer_version, started_at, lock_version) "
                "VALUES (1, 1, 'p', 'DK2026X', 'waiting', '{}', '1', '2026-12-01', 1)"))
            for task_id, assignee, status in ((1, None, "open"), (2, "someone", "open"), (3, None, "completed")):
                conn.execute(text(
                    "INSERT INTO human_task (id, instance_id, task_guid, task_spec_id, name, process_key, "
                    "business_key, status, assignee, exclude_initiator, created_at) VALUES "
                    "(:id, 1, :guid, 't', 'T', 'p', 'DK2026X', :status, :assignee, 0, '2026-12-01')"),
                    {"id": task_id, "guid": f"g{task_id}", "status": status, "assignee": assignee})
                conn.execute(text("INSERT INTO human_task_role (task_id, role) VALUES (:id, 'loan_officer')"),
                             {"id": task_id})
            conn.execute(text("INSERT INTO human_task_column (task_id, name, text_value) "
                              "VALUES (1, 'customer', 'ÄRGER Ltd')"))
        upgrade(revision="0018")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT search_text FROM human_task WHERE id = 1")).scalar() == \
                "dk2026x\närger ltd"
            assert dict(conn.execute(text("SELECT task_id, claimable FROM human_task_role")).all()) == \
                {1: True, 2: False, 3: False}
        engine.dispose()


def test_unfiltered_lists_read_the_queues_in_order_and_list_a_task_open_to_two_of_my_roles_once(app, api):
    key = apply(api, "60000", term_months=12)["business_key"]
    task_id = open_task(api, key, "check_completeness")["id"]
    with app.app_context():
        own, task = db.session.get(HumanTaskRole, (task_id, "loan_officer")), db.session.get(HumanTask, task_id)
        assert (own.created_at, own.due_at) == (task.created_at, task.due_at)  # copied when the task was made
        db.session.add(HumanTaskRole(task_id=task_id, role="risk_officer", claimable=True,
                                     created_at=own.created_at, due_at=own.due_at))
        db.session.commit()
        both = Actor("someone_new", frozenset({"loan_officer", "risk_officer"}))
        for scope, sort, order in (("todo", "created_at", "desc"), ("role", "due_at", "asc")):
            tasks, total = list_tasks(both, per_page=1000, scope=scope, sort=sort, order=order)
            ids = [t.id for t in tasks]
            assert ids.count(task_id) == 1 and total == min(len(ids), app.config["INBOX_COUNT_LIMIT"] + 1)
            keys = [(getattr(t, sort) is None, getattr(t, sort)) for t in tasks]
            dated = [k[1] for k in keys if not k[0]]
            assert dated == sorted(dated, reverse=order == "desc") and keys[:len(dated)] == [(False, d) for d in dated]
        assert scope_count(both, "todo") == scope_count(Actor("x", both.roles), "role")
