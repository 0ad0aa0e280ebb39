"""Registry of service-task handlers, bound by name from `spiffworkflow:serviceTaskOperator`.

The engine only knows names; app/handlers.py binds each name to a domain function. A handler
receives the current step (instance, business key, actor), a copy of the task data and the
evaluated operator parameters, and returns a dict stored in the task's result variable.
"""
from contextvars import ContextVar
from dataclasses import dataclass, field

_handlers = {}
_current_step = ContextVar("current_step", default=None)


@dataclass(frozen=True)
class Step:
    instance_id: int | None
    process_key: str
    business_key: str | None
    actor: str | None
    extras: dict = field(default_factory=dict)


class UnknownService(LookupError):
    pass


def service_handler(name):
    """Decorator: register `fn(step, data, **params) -> dict` under a service-task name."""
    def register(fn):
        _handlers[name] = fn
        return fn
    return register


def registered_services():
    return set(_handlers)


def current_step():
    return _current_step.get()


class running_step:
    """Context manager making the step visible to handlers called during engine steps."""

    def __init__(self, step):
        self.step = step

    def __enter__(self):
        self.token = _current_step.set(self.step)
        return self.step

    def __exit__(self, *exc):
        _current_step.reset(self.token)


def call_service_handler(name, data, params):
    handler = _handlers.get(name)
    if handler is None:
        raise UnknownService(f"no service handler registered as '{name}'")
    return handler(current_step(), data, **params)
