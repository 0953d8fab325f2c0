"""Meta's error catalogue and the two shapes errors take.

Synchronous Graph errors are `{"error": {"message": "(#code) title", "type": "OAuthException",
"code", "error_data": {"messaging_product", "details"}, "fbtrace_id"}}` (WHATSAPP.md §7.1);
webhook errors (failed statuses) are `{code, title, message, error_data{details}, href}`.
"""

from __future__ import annotations

from typing import Any

ERROR_DOCS_URL = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

# code: (title, HTTP status)
CATALOG: dict[int, tuple[str, int]] = {
    0: ("AuthException", 401),
    1: ("API Unknown", 400),
    2: ("API Service", 503),
    3: ("API Method", 500),
    4: ("API Too Many Calls", 400),
    10: ("Permission Denied", 403),
    33: ("Parameter value is not valid", 400),
    100: ("Invalid parameter", 400),
    190: ("Access token has expired", 401),
    **dict.fromkeys(range(200, 300), ("API Permission", 403)),
    368: ("Temporarily blocked for policies violations", 403),
    80007: ("Rate limit issues", 400),
    130429: ("Rate limit hit", 400),
    130472: ("User's number is part of an experiment", 400),
    130497: ("Business account is restricted from messaging users in this country", 403),
    131000: ("Something went wrong", 500),
    131005: ("Access denied", 403),
    131008: ("Required parameter is missing", 400),
    131009: ("Parameter value is not valid", 400),
    131016: ("Service unavailable", 503),
    131021: ("Recipient cannot be sender", 400),
    131026: ("Message undeliverable", 400),
    131030: ("Recipient phone number not in allowed list", 400),
    131031: ("Business Account locked", 403),
    131037: (
        "WhatsApp provided number needs display name approval before message can be sent",
        400,
    ),
    131042: ("Business eligibility payment issue", 400),
    131045: ("Incorrect certificate", 500),
    131047: ("Re-engagement message", 400),
    131048: ("Spam rate limit hit", 400),
    131049: ("This message was not delivered to maintain healthy ecosystem engagement.", 400),
    131050: ("User stopped marketing messages", 400),
    131051: ("Unsupported message type", 400),
    131052: ("Media download error", 400),
    131053: ("Media upload error", 400),
    131056: ("(Business Account, Consumer Account) pair rate limit hit", 400),
    131057: ("Account in maintenance mode", 500),
    131060: ("Message unavailable", 400),
    132000: ("Number of parameters does not match the expected number of params", 400),
    132001: ("Template name does not exist in the translation", 404),
    132005: ("Translated text too long", 400),
    132007: ("Template Format Character Policy Violated", 400),
    132012: ("Parameter format does not match format in the created template", 400),
    132015: ("Template is Paused", 400),
    132016: ("Template is Disabled", 400),
    132068: ("Flow is in blocked state", 400),
    132069: ("Flow is in throttled state", 400),
    133000: ("Incomplete deregistration", 500),
    133004: ("Server temporarily unavailable", 503),
    133005: ("Two step verification PIN Mismatch", 400),
    133006: ("Phone number re-verification needed", 400),
    133007: ("Account temporarily blocked for registration", 400),
    133008: ("Too many two step verification PIN guesses for this phone number", 400),
    133009: ("Two step verification PIN was entered too quickly", 400),
    133010: ("Account not registered", 400),
    133015: ("Please wait a few minutes before attempting to register this phone number", 400),
    133016: ("Account register deregister rate limit exceeded", 400),
    135000: ("Generic user error", 400),
}

DETAILS: dict[int, str] = {
    130429: "Cloud API message throughput has been reached.",
    131000: "Message failed to send due to an unknown error.",
    131026: "Message Undeliverable.",
    131030: "Recipient phone number not in allowed list: add it in the app's test numbers.",
    131047: (
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number."
    ),
    131056: "Too many messages sent from this phone number to the same phone number "
    "in a short period of time.",
}

INVALID_TOKEN_MESSAGE = "Invalid OAuth access token - Cannot parse access token"
EXPIRED_TOKEN_SUBCODE = 463


def title_of(code: int) -> str:
    return CATALOG.get(code, ("Unknown error", 400))[0]


def status_of(code: int) -> int:
    return CATALOG.get(code, ("Unknown error", 400))[1]


class GraphError(Exception):
    """A synchronous Graph API error; rendered with `graph_error_body`."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        http_status: int | None = None,
        message: str | None = None,
        subcode: int | None = None,
    ) -> None:
        super().__init__(f"({code}) {details or title_of(code)}")
        self.code = code
        self.details = details if details is not None else DETAILS.get(code, title_of(code))
        self.http_status = http_status or status_of(code)
        self.message = message
        self.subcode = subcode


def graph_error_body(error: GraphError, fbtrace_id: str) -> dict[str, Any]:
    """Meta's synchronous error object for `error`."""
    if error.code == 190:
        auth: dict[str, Any] = {
            "message": error.message or INVALID_TOKEN_MESSAGE,
            "type": "OAuthException",
            "code": 190,
        }
        if error.subcode is not None:
            auth["error_subcode"] = error.subcode
        auth["fbtrace_id"] = fbtrace_id
        return {"error": auth}
    body: dict[str, Any] = {
        "message": error.message or f"(#{error.code}) {title_of(error.code)}",
        "type": "OAuthException",
        "code": error.code,
    }
    if error.subcode is not None:
        body["error_subcode"] = error.subcode
    body["error_data"] = {"messaging_product": "whatsapp", "details": error.details}
    body["fbtrace_id"] = fbtrace_id
    return {"error": body}


def expired_token() -> GraphError:
    """Meta's answer once the access token has expired (code 190, subcode 463)."""
    message = (
        "Error validating access token: Session has expired on Monday, 05-Jan-26 01:00:00 PST. "
        "The current time is Monday, 05-Jan-26 02:00:00 PST."
    )
    return GraphError(190, message, message=message, subcode=EXPIRED_TOKEN_SUBCODE)


def unknown_object(object_id: str, method: str = "get") -> GraphError:
    """Meta's answer for an id that does not exist (code 100, subcode 33)."""
    message = (
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation. "
        "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
    )
    return GraphError(100, message, message=message, subcode=33)


def webhook_error(code: int, details: str | None = None) -> dict[str, Any]:
    """The error object carried by failed statuses and `value.errors[]`."""
    title = title_of(code)
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": details or DETAILS.get(code, title)},
        "href": ERROR_DOCS_URL,
    }
