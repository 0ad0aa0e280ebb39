"""Errors every layer may raise; the API and the pages turn them into the documented shape."""


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, details=None, code=None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class ValidationFailed(AppError):
    status = 422
    code = "validation_failed"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class TooManyRequests(AppError):
    """Refused for a while; `retry_after` (seconds) also goes out as the Retry-After header."""
    status = 429
    code = "too_many_requests"

    def __init__(self, message, retry_after):
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after
