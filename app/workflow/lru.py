"""Bounded caches for the engine: the least recently used entry goes first."""
import threading
from collections import OrderedDict

from flask import current_app

from .settings import setting


class LRU:
    def __init__(self, bound):
        self.bound = bound
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        """The value cached under `key`, made by `make()` and kept when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: making may be slow, and two makers give equal values
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.bound:
                self._items.popitem(last=False)
        return value

    def __len__(self):
        return len(self._items)


def app_cache(name):
    """The current app's cache `name`, bounded by its ENGINE_CACHE_SIZE: each app keeps its own."""
    caches = current_app.extensions.setdefault("engine_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, LRU(setting("ENGINE_CACHE_SIZE")))
    return cache
