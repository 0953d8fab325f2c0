"""Imports every feature's tables so metadata (and Alembic) sees them all."""

from parley.account.models import AccountAlert
from parley.audit.models import AuditEntry
from parley.auth.models import AuthToken, LoginFailure, User
from parley.codes.models import Code, CodeList
from parley.contacts.models import Contact, ContactAlias, ContactMerge
from parley.db.base import Base
from parley.ingest.models import InboundWebhook
from parley.interactions.models import ChatSession, Interaction, InteractionEvent
from parley.media.models import Attachment
from parley.messages.models import Message, OutboxItem, PendingStatus
from parley.responses.models import ResponseCategory, StandardResponse
from parley.teams.models import Team, TeamMember, TeamWorkbin
from parley.templates.models import MessageTemplate
from parley.workbins.models import Workbin

__all__ = [
    "AccountAlert",
    "Attachment",
    "AuditEntry",
    "AuthToken",
    "Base",
    "ChatSession",
    "Code",
    "CodeList",
    "Contact",
    "ContactAlias",
    "ContactMerge",
    "InboundWebhook",
    "Interaction",
    "InteractionEvent",
    "LoginFailure",
    "Message",
    "MessageTemplate",
    "OutboxItem",
    "PendingStatus",
    "ResponseCategory",
    "StandardResponse",
    "Team",
    "TeamMember",
    "TeamWorkbin",
    "User",
    "Workbin",
]
