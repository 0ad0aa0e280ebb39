"""Who is acting, as the inbox sees it: a name, role codes, and whether they oversee every queue."""
from dataclasses import dataclass

_directory = {"lookup": None}


@dataclass(frozen=True)
class Actor:
    username: str
    roles: frozenset
    sees_all: bool = False


def use_directory(lookup):
    """Install `lookup(username) -> Actor | None`; the auth package provides it."""
    _directory["lookup"] = lookup


def find_actor(username):
    return _directory["lookup"](username) if _directory["lookup"] else None
