"""Domain errors and how they map to HTTP.

ParleyError                      (400 bad_request)
├── NotAuthenticated             (401 not_authenticated)
├── Forbidden                    (403 forbidden)
│   └── CsrfFailed               (403 csrf_failed)
├── NotFound                     (404 not_found)
├── Conflict                     (409 conflict, or a more precise code)
├── TooLarge                     (413 too_large)
├── UnsupportedType              (415 unsupported_type)
├── Invalid                      (422 validation_error)
├── RateLimited                  (429 rate_limited, with Retry-After)
├── BadGateway                   (502 whatsapp_unavailable: the Cloud API did not answer usefully)
└── StorageUnavailable           (503 storage_unavailable: the file storage did not answer)
"""

from __future__ import annotations


class ParleyError(Exception):
    status = 400
    code = "bad_request"
    # The inputs at fault, `[{"field", "message"}]`, as validation errors name them.
    fields: list[dict[str, str]] | None = None
    # For a refusal for now (429): the seconds after which to try again.
    retry_after: int | None = None
    # More members of the error body a client acts on (a merged contact's `kept_id`).
    extra: dict[str, object] | None = None

    def __init__(
        self, message: str, *, code: str | None = None, fields: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields


class NotAuthenticated(ParleyError):
    status = 401
    code = "not_authenticated"


class Forbidden(ParleyError):
    status = 403
    code = "forbidden"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class NotFound(ParleyError):
    status = 404
    code = "not_found"


class Conflict(ParleyError):
    status = 409
    code = "conflict"


class TooLarge(ParleyError):
    status = 413
    code = "too_large"


class UnsupportedType(ParleyError):
    status = 415
    code = "unsupported_type"


class Invalid(ParleyError):
    status = 422
    code = "validation_error"


class RateLimited(ParleyError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BadGateway(ParleyError):
    status = 502
    code = "whatsapp_unavailable"


class StorageUnavailable(ParleyError):
    """The file storage (an S3 bucket) did not answer or refused: try again later."""

    status = 503
    code = "storage_unavailable"
