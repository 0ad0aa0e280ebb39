"""Versions (#12): what changed between two versions of a process, and moving running instances
to the newer one. A small process of the test's own (tests/fixtures/versions), deployed under a
key of each test's own, so no shipped process gets a new version."""
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app import process_versions
from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.auth.service import hash_password
from app.deployment import deploy_sources
from app.extensions import db
from app.inbox.models import HumanTask
from app.workflow.models import ProcessInstance

FIXTURES = Path(__file__).parent.parent / "fixtures" / "versions"
CLERK, CHECKER = "ver_clerk_a", "ver_checker_a"
_keys = itertools.count(1)


@pytest.fixture(scope="module")
def people(app):
    with app.app_context():
        if db.session.get(Role, "ver_clerk") is None:
            clerk = Role(code="ver_clerk", name_zh="版本文员", name_en="Version clerk")
            checker = Role(code="ver_checker", name_zh="版本复核", name_en="Version checker")
            db.session.add_all([clerk, checker,
                                User(username=CLERK, display_name=CLERK, password_hash=hash_password("demo"),
                                     roles=[clerk]),
                                User(username=CHECKER, display_name=CHECKER, password_hash=hash_password("demo"),
                                     roles=[checker])])
            db.session.commit()
        db.session.remove()


class Trial:
    """One deployment of a trial process under a key of its own: v1, instances on it, then v2."""

    def __init__(self, app, api, process="version_trial"):
        self.app, self.api, self.process = app, api, process
        self.key = f"{process}_{next(_keys)}"

    def deploy(self, version):
        xml = (FIXTURES / f"{self.process}_{version}.bpmn").read_text(encoding="utf-8")
        with self.app.app_context():
            created = deploy_sources({f"{self.key}.bpmn": xml.replace(self.process, self.key)}, "designer")
            assert self.key in [d.key for d in created]
            db.session.remove()

    def start(self, **data):
        response = self.api.post("/api/process-instances", CLERK,
                                 json={"process_key": self.key, "data": {"urgent": False, **data}})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def instance(self, instance_id):
        return self.api.get(f"/api/process-instances/{instance_id}", "supervisor").get_json()

    def open_task(self, instance_id):
        [task] = self.instance(instance_id)["active_tasks"]
        return task

    def complete(self, instance_id, user):
        task = self.open_task(instance_id)
        response = self.api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": {}})
        assert response.status_code == 200, response.get_json()
        return task


@pytest.fixture()
def trial(app, api, people):
    return Trial(app, api)


def test_diff_names_what_was_added_removed_and_changed(trial, api):
    trial.deploy("v1")
    trial.deploy("v2")
    response = api.get(f"/api/process-definitions/{trial.key}/versions/1/diff/2", "process_designer")
    assert response.status_code == 200, response.get_json()
    [process] = response.get_json()["processes"]
    assert process["process"] == trial.key and process["status"] == "changed"
    assert [e["id"] for e in process["added"]] == ["sign_off"]
    assert [e["id"] for e in process["removed"]] == ["fast_track"]
    changed = {e["id"]: {c["property"]: (c["before"], c["after"]) for c in e["changes"]} for e in process["changed"]}
    assert changed["prepare"]["name"] == ("准备 Prepare", "准备材料 Prepare the papers")
    assert changed["check"]["property:dueIn"] == ("P2D", "P3D")
    assert changed["archive"]["lane"] == ("ver_clerk", "ver_checker")
    assert changed["check"]["outgoing"] == ("archive", "sign_off")
    assert changed["stamp"]["script"] == ("stamped = True", "stamped = True\nstamp_count = 1")
    assert changed["route"]["condition:fast_track"] == ("urgent == True", "")
    assert changed["route"]["condition:archive"] == ("", "bool(urgent)")
    assert "start" not in changed and "done" not in changed
    # Backwards too: what v2 added, v1 lacks.
    back = api.get(f"/api/process-definitions/{trial.key}/versions/2/diff/1", "supervisor").get_json()
    assert [e["id"] for e in back["processes"][0]["removed"]] == ["sign_off"]


def test_diff_is_for_designers_and_supervisors_and_names_missing_versions(trial, api):
    trial.deploy("v1")
    path = f"/api/process-definitions/{trial.key}/versions/1/diff/2"
    assert api.get(path, "process_designer").status_code == 404
    assert api.get(path, "process_designer").get_json()["error"]["code"] == "not_found"
    assert api.get(path, "loan_officer").status_code == 403
    assert api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "cashier").status_code == 403


def test_preview_then_migrate_moves_the_movable_and_refuses_one_at_a_removed_task(app, trial, api):
    trial.deploy("v1")
    at_prepare = trial.start()
    at_fast_track = trial.start(urgent=True)
    trial.complete(at_fast_track, CLERK)
    at_check = trial.start()
    trial.complete(at_check, CLERK)
    at_archive = trial.start()
    trial.complete(at_archive, CLERK)
    trial.complete(at_archive, CHECKER)
    assert trial.open_task(at_fast_track)["task_spec_id"] == "fast_track"
    prepare_row = trial.open_task(at_prepare)
    trial.deploy("v2")
    with app.app_context():
        untouched = db.session.get(ProcessInstance, at_fast_track)
        untouched = (untouched.state, untouched.lock_version, untouched.definition_id)
        db.session.remove()

    preview = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "supervisor")
    assert preview.status_code == 200, preview.get_json()
    rows = {r["id"]: r for r in preview.get_json()["instances"]}
    assert set(rows) == {at_prepare, at_fast_track, at_check, at_archive} and preview.get_json()["total"] == 4
    paged = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2&page=2&per_page=3",
                    "supervisor").get_json()
    assert [r["id"] for r in paged["instances"]] == [max(rows)] and paged["total"] == 4
    assert [w["id"] for w in rows[at_prepare]["lands_at"]] == ["prepare"]
    assert [w["id"] for w in rows[at_check]["lands_at"]] == ["check"]
    assert [w["id"] for w in rows[at_archive]["lands_at"]] == ["archive"]
    assert all(rows[i]["movable"] for i in (at_prepare, at_check, at_archive))
    refused = rows[at_fast_track]
    assert not refused["movable"] and refused["lands_at"] == []
    assert [w["id"] for w in refused["waiting_now"]] == ["fast_track"]
    [reason] = refused["reasons"]
    assert reason["code"] == "waiting_at_removed" and reason["element"] == "fast_track"
    assert "fast_track" in reason["message"] and "version 2 removes" in reason["message"]

    response = api.post(f"/api/process-definitions/{trial.key}/migrate", "process_designer",
                        json={"from": 1, "to": 2, "instance_ids": [at_prepare, at_fast_track, at_check, at_archive]})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert sorted(r["id"] for r in result["moved"]) == sorted([at_prepare, at_check, at_archive])
    assert [r["id"] for r in result["refused"]] == [at_fast_track] and result["conflicts"] == []

    for moved in (at_prepare, at_check, at_archive):
        assert trial.instance(moved)["version"] == 2
    assert trial.instance(at_fast_track)["version"] == 1
    # The waiting task keeps its inbox row (and whoever holds it), with the new version's name.
    row = trial.open_task(at_prepare)
    assert row["id"] == prepare_row["id"] and row["name"] == "准备材料 Prepare the papers"
    # A task whose lane the new version changed goes to the new lane's queue.
    assert trial.open_task(at_archive)["roles"] == ["ver_checker"]
    assert at_archive in [t["instance_id"] for t in api.get(
        f"/api/tasks?scope=role&process_key={trial.key}", CHECKER).get_json()["items"]]
    with app.app_context():
        instance = db.session.get(ProcessInstance, at_fast_track)
        assert (instance.state, instance.lock_version, instance.definition_id) == untouched
        events = db.session.execute(db.select(AuditEvent).where(
            AuditEvent.action == "process_migrated", AuditEvent.subject == trial.key)).scalars().all()
        assert sorted(e.instance_id for e in events) == sorted([at_prepare, at_check, at_archive])
        assert {(e.actor, e.before["version"], e.after["version"]) for e in events} == {("process_designer", 1, 2)}
        assert {e.instance_id: e.before["waiting"] for e in events}[at_check] == ["check"]
        db.session.remove()

    # The moved instances go on as version 2 has it: the check now leads to the new sign-off.
    trial.complete(at_check, CHECKER)
    assert trial.open_task(at_check)["task_spec_id"] == "sign_off"
    trial.complete(at_archive, CHECKER)
    assert trial.instance(at_archive)["status"] == "completed"
    # A second preview lists only what is left on version 1.
    again = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "supervisor").get_json()
    assert [r["id"] for r in again["instances"]] == [at_fast_track] and again["total"] == 1


def test_a_waiting_timer_keeps_its_time_unless_the_new_version_changes_it(app, api, people):
    trial = Trial(app, api, "timed_trial")
    trial.deploy("v1")
    waiting = trial.start()

    def next_timer():
        with app.app_context():
            moment = db.session.get(ProcessInstance, waiting).next_timer_at
            db.session.remove()
            return moment

    due = next_timer()
    assert due is not None and trial.instance(waiting)["active_tasks"] == []
    trial.deploy("v2")  # the task after the timer renamed, the timer as it was
    url = f"/api/process-definitions/{trial.key}/migrate"
    preview = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "supervisor").get_json()
    [row] = preview["instances"]
    assert [(w["id"], w["manual"]) for w in row["lands_at"]] == [("cool_off", False)]
    assert api.post(url, "supervisor", json={"from": 1, "to": 2, "instance_ids": [waiting]}).status_code == 200
    assert next_timer() == due
    trial.deploy("v3")  # the timer waits three days instead of two
    diff = api.get(f"/api/process-definitions/{trial.key}/versions/2/diff/3", "supervisor").get_json()
    [changed] = diff["processes"][0]["changed"]
    assert changed["id"] == "cool_off"
    assert [(c["property"], c["before"], c["after"]) for c in changed["changes"]] == [
        ("event:expression", '"P2D"', '"P3D"')]
    assert api.post(url, "supervisor", json={"from": 2, "to": 3, "instance_ids": [waiting]}).status_code == 200
    assert next_timer() > due  # counted anew, three days from the move


def test_an_instance_waiting_in_a_called_process_moves_with_it(app, api, people):
    trial = Trial(app, api, "call_trial")
    trial.deploy("v1")
    waiting = trial.start()
    row = trial.open_task(waiting)
    assert row["task_spec_id"] == "review"
    trial.deploy("v2")  # the called process renames its review and adds a second look after it
    diff = api.get(f"/api/process-definitions/{trial.key}/versions/1/diff/2", "process_designer").get_json()
    processes = {p["process"]: p for p in diff["processes"]}
    assert processes[trial.key]["status"] == "same"
    child = processes[f"{trial.key}_child"]
    assert [e["id"] for e in child["added"]] == ["second_look"]
    assert "review" in [e["id"] for e in child["changed"]]
    preview = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "supervisor").get_json()
    [entry] = preview["instances"]
    assert entry["movable"] and ("review", f"{trial.key}_child") in [(w["id"], w["process"]) for w in entry["lands_at"]]
    moved = api.post(f"/api/process-definitions/{trial.key}/migrate", "supervisor",
                     json={"from": 1, "to": 2, "instance_ids": [waiting]})
    assert moved.status_code == 200, moved.get_json()
    after = trial.open_task(waiting)
    assert after["id"] == row["id"] and after["name"] == "初审 First review"
    trial.complete(waiting, CHECKER)
    assert trial.open_task(waiting)["task_spec_id"] == "second_look"
    trial.complete(waiting, CHECKER)
    assert trial.open_task(waiting)["task_spec_id"] == "wrap_up"


def test_an_instance_running_a_called_process_the_new_version_drops_stays(app, api, people):
    trial = Trial(app, api, "call_trial")
    trial.deploy("v1")
    waiting = trial.start()
    trial.deploy("other")  # the call activity now calls another process
    diff = api.get(f"/api/process-definitions/{trial.key}/versions/1/diff/2", "process_designer").get_json()
    statuses = {p["process"]: p["status"] for p in diff["processes"]}
    assert statuses[f"{trial.key}_child"] == "removed" and statuses[f"{trial.key}_other"] == "added"
    preview = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "supervisor").get_json()
    [entry] = preview["instances"]
    assert not entry["movable"]
    assert ("process_removed", f"{trial.key}_child") in [(r["code"], r.get("process")) for r in entry["reasons"]]
    refused = api.post(f"/api/process-definitions/{trial.key}/migrate", "supervisor",
                       json={"from": 1, "to": 2, "instance_ids": [waiting]})
    assert refused.status_code == 422 and trial.instance(waiting)["version"] == 1


def test_migrate_refuses_in_the_documented_shapes(trial, api):
    trial.deploy("v1")
    waiting = trial.start(urgent=True)
    trial.complete(waiting, CLERK)
    passed = trial.start(urgent=True)
    trial.complete(passed, CLERK)
    trial.complete(passed, CHECKER)
    trial.deploy("v2")
    preview = api.get(f"/api/process-definitions/{trial.key}/migration-preview?from=1&to=2", "supervisor").get_json()
    [reason] = {r["id"]: r for r in preview["instances"]}[passed]["reasons"]
    assert (reason["code"], reason["element"]) == ("passed_removed", "fast_track")
    url = f"/api/process-definitions/{trial.key}/migrate"
    only_refused = api.post(url, "supervisor", json={"from": 1, "to": 2, "instance_ids": [waiting]})
    assert only_refused.status_code == 422
    assert "fast_track" in only_refused.get_json()["error"]["details"]["instance_ids"][0]
    backwards = api.post(url, "supervisor", json={"from": 2, "to": 1, "instance_ids": [waiting]})
    assert backwards.status_code == 422 and "to" in backwards.get_json()["error"]["details"]
    stranger = api.post(url, "supervisor", json={"from": 1, "to": 2, "instance_ids": [waiting + 10_000]})
    assert stranger.status_code == 422 and "instance_ids" in stranger.get_json()["error"]["details"]
    missing = api.post(url, "supervisor", json={"from": 1, "instance_ids": [waiting]})
    assert missing.status_code == 422 and "to" in missing.get_json()["error"]["details"]
    assert api.post(url, "loan_officer", json={"from": 1, "to": 2, "instance_ids": [waiting]}).status_code == 403
    assert api.post(f"/api/process-definitions/{trial.key}/migrate", "supervisor",
                    json={"from": 1, "to": 9, "instance_ids": [waiting]}).status_code == 404


def test_a_completion_during_the_move_wins_and_the_move_is_409(app, trial, api, monkeypatch):
    trial.deploy("v1")
    waiting = trial.start()
    trial.complete(waiting, CLERK)
    task = trial.open_task(waiting)
    assert task["task_spec_id"] == "check"
    trial.deploy("v2")
    token = api.token(CHECKER)
    completion = []
    original = process_versions.versions.migrate

    def migrate_while_someone_completes(workflow, new_specs, to_version):
        landing = original(workflow, new_specs, to_version)

        def complete():  # another request, on its own session, commits first
            client = app.test_client()
            completion.append(client.post(f"/api/tasks/{task['id']}/complete", json={"data": {}},
                                          headers={"Authorization": f"Bearer {token}"}).status_code)
        worker = threading.Thread(target=complete)
        worker.start()
        worker.join()
        return landing

    monkeypatch.setattr(process_versions.versions, "migrate", migrate_while_someone_completes)
    response = api.post(f"/api/process-definitions/{trial.key}/migrate", "supervisor",
                        json={"from": 1, "to": 2, "instance_ids": [waiting]})
    assert completion == [200]
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "conflict"
    # The completion's step stands, on version 1: the check led to the archive, not the new sign-off.
    instance = trial.instance(waiting)
    assert instance["version"] == 1
    assert [t["task_spec_id"] for t in instance["active_tasks"]] == ["archive"]
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent).where(
            AuditEvent.action == "process_migrated", AuditEvent.instance_id == waiting)).first() is None
        rows = db.session.execute(db.select(HumanTask.task_spec_id, HumanTask.status).where(
            HumanTask.instance_id == waiting).order_by(HumanTask.id)).all()
        assert [tuple(r) for r in rows] == [("prepare", "completed"), ("check", "completed"), ("archive", "open")]
        db.session.remove()


def page_client(app, username, lang):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": "demo"}).status_code == 302
    client.get(f"/?lang={lang}")
    return client


def test_the_pages_show_changes_and_the_move_in_words_in_both_languages(app, trial):
    trial.deploy("v1")
    waiting_at_removed = trial.start(urgent=True)
    trial.complete(waiting_at_removed, CLERK)
    movable = trial.start()
    trial.deploy("v2")
    zh, en = page_client(app, "process_designer", "zh_CN"), page_client(app, "supervisor", "en")

    process_page = zh.get(f"/processes/{trial.key}").get_data(as_text=True)
    assert f"/processes/{trial.key}/versions/compare" in process_page and "迁移运行中的实例" in process_page

    page = zh.get(f"/processes/{trial.key}/versions/compare?from=1&to=2").get_data(as_text=True)
    for words in ("版本差异", "新增", "签批", "删除", "加急审核", "修改", "扩展属性 截止时间", "P3D", "通向 archive 的条件",
                  "脚本", "名称", "准备材料"):
        assert words in page, words
    assert "版本文员" in page and "版本复核" in page  # the lane's roles in words
    assert "property:dueIn" not in page and "Sign off" not in page and "ver_checker" not in page
    page = en.get(f"/processes/{trial.key}/versions/compare?from=1&to=2").get_data(as_text=True)
    for words in ("Changes between versions", "Added", "Sign off", "Removed", "Fast track", "Property Due time",
                  "Condition of the flow to archive", "Prepare the papers"):
        assert words in page, words
    assert "Version checker" in page and "签批" not in page

    page = zh.get(f"/processes/{trial.key}/versions/migrate?from=1&to=2").get_data(as_text=True)
    assert "无法迁移" in page and "它正停在“加急审核”，新版本删除了该节点。" in page and "waiting_at_removed" not in page
    assert "版本 1 共有 2 个运行中的实例。" in page
    page = en.get(f"/processes/{trial.key}/versions/migrate?from=1&to=2").get_data(as_text=True)
    assert "Cannot move" in page and "It waits at Fast track, which the new version removes." in page
    assert f'name="instance_ids" value="{movable}"' in page
    assert f'name="instance_ids" value="{waiting_at_removed}"' not in page

    done = zh.post(f"/processes/{trial.key}/versions/migrate",
                   data={"from": 1, "to": 2, "instance_ids": [str(movable), str(waiting_at_removed)]},
                   follow_redirects=True).get_data(as_text=True)
    assert "已将 1 个实例迁移到版本 2。" in done
    assert f"实例 {waiting_at_removed} 仍留在版本 1：它正停在“加急审核”" in done
    assert trial.instance(movable)["version"] == 2 and trial.instance(waiting_at_removed)["version"] == 1
    nothing = en.post(f"/processes/{trial.key}/versions/migrate", data={"from": 1, "to": 2},
                      follow_redirects=True).get_data(as_text=True)
    assert "Choose at least one instance to move." in nothing
    refused_only = en.post(f"/processes/{trial.key}/versions/migrate",
                           data={"from": 1, "to": 2, "instance_ids": [str(waiting_at_removed)]},
                           follow_redirects=True).get_data(as_text=True)
    assert f"Instance {waiting_at_removed} stays on version 1: It waits at Fast track" in refused_only


def test_the_pages_are_for_designers_and_supervisors(app, trial):
    trial.deploy("v1")
    officer = page_client(app, "loan_officer", "zh_CN")
    assert officer.get(f"/processes/{trial.key}/versions/compare?from=1&to=1").status_code == 403
    assert officer.post(f"/processes/{trial.key}/versions/migrate", data={"from": 1, "to": 2}).status_code == 403
    assert "/versions/compare" not in officer.get(f"/processes/{trial.key}").get_data(as_text=True)
    designer = page_client(app, "process_designer", "en")
    assert designer.get("/processes/no_such_process/versions/compare").status_code == 404
    assert designer.get(f"/processes/{trial.key}/versions/compare?from=1&to=7").status_code == 404


def test_a_move_and_a_completion_at_once_step_the_instance_once(app, trial, api):
    """Whichever commits first wins; the other gets 409, or (a completion) steps again on the moved state."""
    trial.deploy("v1")
    ids = []
    for _ in range(3):
        ids.append(trial.start())
        trial.complete(ids[-1], CLERK)
    tasks = {i: trial.open_task(i)["id"] for i in ids}
    trial.deploy("v2")
    tokens = {user: api.token(user) for user in ("supervisor", CHECKER)}

    def call(spec):
        path, user, body = spec
        return app.test_client().post(path, json=body, headers={"Authorization": f"Bearer {tokens[user]}"}).status_code

    for instance_id in ids:
        with ThreadPoolExecutor(max_workers=2) as pool:
            move, completion = pool.map(call, [
                (f"/api/process-definitions/{trial.key}/migrate", "supervisor",
                 {"from": 1, "to": 2, "instance_ids": [instance_id]}),
                (f"/api/tasks/{tasks[instance_id]}/complete", CHECKER, {"data": {}})])
        assert 200 in (move, completion) and {move, completion} <= {200, 409}, (move, completion)
        instance = trial.instance(instance_id)
        assert instance["version"] == (2 if move == 200 else 1)
        # What follows the check is the version's the instance was on when it was completed: both
        # succeed when the move came first (the completion stepped again) or started after it.
        expected = {(200, 200): {"sign_off", "archive"}, (200, 409): {"check"}, (409, 200): {"archive"}}
        [waiting_at] = [t["task_spec_id"] for t in instance["active_tasks"]]
        assert waiting_at in expected[(move, completion)]
        with app.app_context():
            checks = db.session.execute(db.select(HumanTask.status).where(
                HumanTask.instance_id == instance_id, HumanTask.task_spec_id == "check")).scalars().all()
            assert sorted(checks) == (["open"] if completion == 409 else ["completed"])
            db.session.remove()
