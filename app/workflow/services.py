"""Registry of service-task handlers, bound by name from `spiffworkflow:serviceTaskOperator`.

The engine only knows names; app/handlers.py binds each name to a domain function. A handler
receives the current step (instance, business key, actor), a copy of the task data and the
evaluated operator parameters, and returns a dict stored in the task's result variable.

A handler refuses with an AppError (a business rule: the user's to fix). Anything else it raises is
a fault of ours, not of the diagram that called it: it leaves as HandlerFailed, which no layer turns
into a task error.
"""
import inspect
from contextvars import ContextVar
from dataclasses import dataclass, field

from ..errors import AppError

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


class WrongParameters(TypeError):
    """The diagram passes parameters the handler does not take: the designer's to fix."""


class HandlerFailed(RuntimeError):
    """A handler failed with something other than a domain refusal: a bug of ours (the cause says which)."""


def service_handler(name):
    """Decorator: register `fn(step, data, **params) -> dict` under a service-task name."""
    def register(fn):
        _handlers[name] = fn
        return fn
    return register


def registered_services():
    return set(_handlers)


def registered_handler(name):
    """The function registered as `name` (KeyError when none is): the studio reads its parameters."""
    return _handlers[name]


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


def checked_handler(name, params, step=None, data=None):
    """The handler registered as `name`, once it is known to take these parameters."""
    handler = _handlers.get(name)
    if handler is None:
        raise UnknownService(f"no service handler registered as '{name}'")
    try:
        inspect.signature(handler).bind(step, data, **params)
    except TypeError as err:
        raise WrongParameters(f"service '{name}' does not take these parameters: {err}") from None
    return handler


def call_service_handler(name, data, params):
    step = current_step()
    handler = checked_handler(name, params, step, data)
    try:
        return handler(step, data, **params)
    except (AppError, HandlerFailed):
        raise
    except Exception as err:
        raise HandlerFailed(f"service handler '{name}' failed") from err
