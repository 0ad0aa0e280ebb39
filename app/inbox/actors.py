"""Who is acting, as the inbox sees it: a name, role codes, and whether they oversee every queue."""
from dataclasses import dataclass

_directory = {"lookup": None, "overseers": None}


@dataclass(frozen=True)
class Actor:
    username: str
    roles: frozenset
    sees_all: bool = False


def use_directory(lookup, overseers):
    """Install `lookup(username) -> Actor | None` and `overseers() -> [username]` (from auth)."""
    _directory["lookup"] = lookup
    _directory["overseers"] = overseers


def find_actor(username):
    return _directory["lookup"](username) if _directory["lookup"] else None


def overseers():
    return _directory["overseers"]() if _directory["overseers"] else []
