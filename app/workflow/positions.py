"""Where an instance stands: the diagram nodes it completed and the ones active now."""
from SpiffWorkflow.util.task import TaskState


def node_states(workflow):
    """({process id: [completed node ids]}, {process id: [active node ids]}) over call activities too."""
    completed, active = {}, {}
    for task in workflow.get_tasks():
        node = getattr(task.task_spec, "bpmn_id", None)
        if not node:
            continue  # engine-internal specs (Start, EndJoin) are not on the diagram
        process = task.workflow.spec.name
        if task.state == TaskState.COMPLETED:
            completed.setdefault(process, []).append(node)
        elif task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED, TaskState.ERROR):
            active.setdefault(process, []).append(node)
    return ({k: sorted(set(v)) for k, v in completed.items()}, {k: sorted(set(v)) for k, v in active.items()})
