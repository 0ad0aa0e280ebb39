"""The engine's caches are bounded, and each app keeps its own."""
from app import create_app
from app.workflow.lru import LRU, app_cache
from config import TestConfig


def test_a_cache_does_not_grow_past_its_bound():
    cache = LRU(3)
    for key in range(10):
        cache.get(key, lambda key=key: key * 10)
        cache.get(7, lambda: 70)  # used again and again: kept
    assert len(cache) == 3
    assert cache.get(7, lambda: "made again") == 70
    assert cache.get(0, lambda: "made again") == "made again"  # the oldest went first


def _app(size):
    class Config(TestConfig):
        ENGINE_CACHE_SIZE = size
    return create_app(Config())


def test_a_second_app_does_not_take_over_the_first_apps_caches():
    first, second = _app(2), _app(5)
    with first.app_context():
        app_cache("process_specs").get("key", lambda: "first's")
    with second.app_context():
        assert app_cache("process_specs").get("key", lambda: "second's") == "second's"
        assert app_cache("process_specs").bound == 5
    with first.app_context():
        cache = app_cache("process_specs")
        assert cache.get("key", lambda: "made again") == "first's"
        for key in range(10):
            cache.get(key, lambda key=key: key)
        assert cache.bound == 2 and len(cache) == 2
