"""The engine's settings (config.py), with the defaults that hold outside an app (a script worker, a bench)."""
from flask import current_app, has_app_context

DEFAULTS = {
    "SCRIPT_WORKERS": 2, "SCRIPT_CPU_SECONDS": 2, "SCRIPT_WALL_SECONDS": 5, "SCRIPT_MEMORY_MB": 512,
    "TASK_DATA_MAX_KB": 1024,
    "ENGINE_MAX_CALL_DEPTH": 10, "ENGINE_MAX_INSTANCES": 1000, "ENGINE_MAX_BRANCHES": 100,
    "ENGINE_MAX_TIMER_CYCLES": 1000, "ENGINE_MIN_TIMER_INTERVAL": "PT1M", "ENGINE_CACHE_SIZE": 256,
}


def setting(name):
    value = current_app.config.get(name) if has_app_context() else None
    return DEFAULTS[name] if value is None else value
