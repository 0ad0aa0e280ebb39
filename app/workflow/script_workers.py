"""Designers' code runs where the operating system can stop it.

Script tasks, and every expression that is more than a plain comparison, run in a small pool of
worker processes. Each worker starts from a clean interpreter (no database connections, no
file descriptors but its pipe), runs under an address-space limit, and gets a CPU-time limit
for every job: a script that swallows the sandbox's own timeout, or spends its time inside one C
call, is killed by the kernel. The parent waits a bounded time, kills and replaces a worker that
overran or died, and answers with the error the sandbox would have raised. Errors travel back
as (class name, message) and are raised again here as the same classes, so callers cannot tell
a pooled run from a local one but by its bounds.
"""
import builtins
import json
import math
import os
import pickle
import resource
import select
import subprocess
import sys
import threading
from pathlib import Path

from .settings import setting


def _limit_memory(megabytes):
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _allow_cpu(seconds):
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))


def _read(stream):
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError
    size = int.from_bytes(header, "big")
    body = stream.read(size)
    if len(body) < size:
        raise EOFError
    return body


def _write(stream, data):
    stream.write(len(data).to_bytes(4, "big") + data)
    stream.flush()


def serve(memory_mb):
    """A worker (`python -m app.workflow.script_workers`): run jobs from stdin until it closes."""
    _limit_memory(memory_mb)
    from .sandbox import run_locally
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            kind, text, context, external, moment, cpu_seconds, max_bytes = pickle.loads(_read(source))
        except EOFError:
            return
        _allow_cpu(cpu_seconds)
        try:
            reply = pickle.dumps(("ok", run_locally(kind, text, context, external, moment), context))
            # Measured as it will be stored (JSON): shared references pickle small but save whole.
            if len(reply) > max_bytes or len(json.dumps(context, default=str)) > max_bytes:
                reply = pickle.dumps(("error", "ScriptLimit", f"the task data would exceed {max_bytes // 1024} KB"))
        except MemoryError:
            reply = pickle.dumps(("error", "ScriptLimit", "the script needs more memory than allowed"))
        except BaseException as err:  # noqa: BLE001 - every failure is reported to the parent
            reply = pickle.dumps(("error", type(err).__name__, str(err)))
        _write(sink, reply)


class WorkerDied(RuntimeError):
    pass


class _Worker:
    """A fresh interpreter with nothing but two pipes and a bare environment (no database URL, no keys)."""

    def __init__(self, memory_mb):
        root = str(Path(__file__).resolve().parents[2])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.workflow.script_workers", str(memory_mb)], cwd=root,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": root, "PYTHONDONTWRITEBYTECODE": "1"})

    def run(self, job, wall_seconds):
        try:
            _write(self.process.stdin, pickle.dumps(job))
            ready, _, _ = select.select([self.process.stdout], [], [], wall_seconds)
            if not ready:
                raise WorkerDied("no answer in time")
            return pickle.loads(_read(self.process.stdout))
        except (EOFError, BrokenPipeError, ConnectionError) as err:
            raise WorkerDied("the worker was stopped") from err

    def stop(self):
        self.process.kill()
        self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()


class ScriptPool:
    """Idle workers of this process; a worker that overran or died is replaced."""

    def __init__(self):
        self.pid, self.idle, self.lock = os.getpid(), [], threading.Lock()

    def _take(self):
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return _Worker(setting("SCRIPT_MEMORY_MB"))

    def _give_back(self, worker):
        with self.lock:
            if len(self.idle) < setting("SCRIPT_WORKERS"):
                self.idle.append(worker)
                return
        worker.stop()

    def run(self, kind, source, context, external, moment=None):
        """(result, context after) of running `source`; raises what the script raised.

        `moment`: the business clock's time for today() and now(); a worker cannot read the clock."""
        worker = self._take()
        job = (kind, source, context, external, moment, setting("SCRIPT_CPU_SECONDS"),
               setting("TASK_DATA_MAX_KB") * 1024)
        try:
            answer = worker.run(job, setting("SCRIPT_WALL_SECONDS"))
        except (WorkerDied, OSError) as err:
            worker.stop()
            from .sandbox import ScriptTimeout
            raise ScriptTimeout("script stopped: it ran too long or used too much memory") from err
        if answer[0] == "error" and answer[1] == "ScriptLimit" and "memory" in answer[2]:
            worker.stop()  # an interpreter that ran out of memory is not trusted again
        else:
            self._give_back(worker)
        if answer[0] == "ok":
            return answer[1], answer[2]
        raise _error(answer[1], answer[2])


def _error(name, message):
    from . import sandbox, work_limits
    cls = getattr(sandbox, name, None) or getattr(work_limits, name, None) or getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(message)
        except TypeError:
            pass
    return sandbox.ScriptFailed(f"{name}: {message}")


_pool = None


def pool():
    """This process's pool (a forked process makes its own)."""
    global _pool
    if _pool is None or _pool.pid != os.getpid():
        _pool = ScriptPool()
    return _pool


if __name__ == "__main__":
    serve(int(sys.argv[1]))
