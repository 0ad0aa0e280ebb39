"""Append-only audit trail of every state change, chained by hashes."""
from .service import record_event  # noqa: F401
