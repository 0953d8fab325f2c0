"""The Standard Response Library: categories, responses, filling them for an interaction.

Admins write (views check the role); everyone reads. Services never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from parley.auth.models import User
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.field_codes import FieldContext, fill_field_codes
from parley.domain.roles import runs_the_system
from parley.domain.templates import template_parameters
from parley.errors import Conflict, Forbidden, Invalid, NotFound
from parley.interactions.models import Interaction
from parley.media.models import READY, Attachment
from parley.responses.models import ResponseCategory, StandardResponse
from parley.responses.schemas import (
    CategoryIn,
    CategoryOut,
    FilledParameter,
    FilledResponse,
    FilledTemplate,
    ResponseIn,
    ResponseOut,
    TemplateBinding,
)
from parley.templates.models import MessageTemplate
from parley.templates.schemas import as_meta

MAX_RESULTS = 200


def require_admin(user: User) -> None:
    if not runs_the_system(user.role):
        raise Forbidden("Only admins manage the response library.")


def category_out(row: ResponseCategory) -> CategoryOut:
    return CategoryOut(id=row.id, name=row.name, parent_id=row.parent_id, position=row.position)


def response_out(row: StandardResponse) -> ResponseOut:
    template = None
    if row.template_name and row.template_language:
        template = TemplateBinding.model_validate(
            {
                "name": row.template_name,
                "language": row.template_language,
                "parameters": row.template_parameters or {},
            }
        )
    return ResponseOut(
        id=row.id,
        name=row.name,
        category_id=row.category_id,
        text=row.text,
        attachment_ids=list(row.attachment_ids or []),
        template=template,
        updated_at=row.updated_at,
    )


async def list_categories(uow: UnitOfWork) -> list[CategoryOut]:
    rows = await uow.session.scalars(
        select(ResponseCategory).order_by(ResponseCategory.position, ResponseCategory.name)
    )
    return [category_out(r) for r in rows]


async def _category(uow: UnitOfWork, category_id: int) -> ResponseCategory:
    row = await uow.session.get(ResponseCategory, category_id)
    if row is None:
        raise NotFound("No such response category.", code="category_not_found")
    return row


async def _check_parent(uow: UnitOfWork, category_id: int | None, parent_id: int | None) -> None:
    """The parent exists and is not the category itself or one of its descendants."""
    seen: set[int] = set()
    current = parent_id
    while current is not None:
        if current == category_id or current in seen:
            raise Invalid(
                "A category cannot be placed inside itself.",
                code="category_cycle",
                fields=[{"field": "parent_id", "message": "would make a loop"}],
            )
        seen.add(current)
        current = (await _category(uow, current)).parent_id


async def create_category(uow: UnitOfWork, data: CategoryIn, now: datetime) -> ResponseCategory:
    await _check_parent(uow, None, data.parent_id)
    row = ResponseCategory(
        name=data.name,
        parent_id=data.parent_id,
        position=data.position,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    return row


async def update_category(
    uow: UnitOfWork, category_id: int, data: CategoryIn, now: datetime
) -> ResponseCategory:
    row = await _category(uow, category_id)
    await _check_parent(uow, category_id, data.parent_id)
    row.name, row.parent_id, row.position, row.updated_at = (
        data.name,
        data.parent_id,
        data.position,
        now,
    )
    return row


async def delete_category(uow: UnitOfWork, category_id: int) -> None:
    """Remove a category with everything in it (subcategories and their responses)."""
    row = await _category(uow, category_id)
    ids = [row.id]
    frontier = [row.id]
    while frontier:
        children = list(
            await uow.session.scalars(
                select(ResponseCategory.id).where(ResponseCategory.parent_id.in_(frontier))
            )
        )
        ids.extend(children)
        frontier = children
    # Explicit deletes, whatever the database's foreign key cascade setting.
    await uow.session.execute(delete(StandardResponse).where(StandardResponse.category_id.in_(ids)))
    await uow.session.execute(delete(ResponseCategory).where(ResponseCategory.id.in_(ids)))


def matches(row: StandardResponse, query: str) -> bool:
    """Whether the search words all appear in the name or the text (case and accents as typed;
    case-insensitive through Unicode case folding)."""
    haystack = f"{row.name}\n{row.text}".casefold()
    return all(word in haystack for word in query.casefold().split())


async def search_responses(
    uow: UnitOfWork, query: str | None, category_id: int | None
) -> list[ResponseOut]:
    """Responses whose name or text hold every word of `query`, names first, then by name."""
    statement = select(StandardResponse).order_by(StandardResponse.name)
    if category_id is not None:
        statement = statement.where(StandardResponse.category_id == category_id)
    rows = list(await uow.session.scalars(statement))
    if query and query.strip():
        words = query.casefold().split()
        rows = [r for r in rows if matches(r, query)]
        rows.sort(key=lambda r: (not all(w in r.name.casefold() for w in words), r.name))
    return [response_out(r) for r in rows[:MAX_RESULTS]]


async def get_response(uow: UnitOfWork, response_id: int) -> StandardResponse:
    row = await uow.session.get(StandardResponse, response_id)
    if row is None:
        raise NotFound("No such standard response.", code="response_not_found")
    return row


async def _unique_name(uow: UnitOfWork, name: str, response_id: int | None) -> None:
    other = await uow.session.scalar(select(StandardResponse).where(StandardResponse.name == name))
    if other is not None and other.id != response_id:
        raise Conflict(f"A response named {name!r} already exists.", code="response_name_taken")


async def check_attachments(uow: UnitOfWork, attachment_ids: list[int]) -> None:
    """Each id must name an agent's upload that is stored and ready: a response that points at
    nothing would fail at send time, in front of a customer. Invalid (422) names the missing."""
    if not attachment_ids:
        return
    found = set(
        await uow.session.scalars(
            select(Attachment.id)
            .where(
                Attachment.id.in_(attachment_ids),
                Attachment.direction == "out",
                Attachment.state == READY,
            )
            # Locked: the sweep of unsent uploads (media.sweeper) skips them until this commits.
            .with_for_update()
        )
    )
    missing = [i for i in attachment_ids if i not in found]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise Invalid(
            f"No uploaded attachment with id {listed}: upload the file first.",
            code="attachment_not_found",
            fields=[{"field": "attachment_ids", "message": f"unknown id {i}"} for i in missing],
        )


def write_response(row: StandardResponse, data: ResponseIn, now: datetime) -> None:
    row.name, row.category_id, row.text = data.name, data.category_id, data.text
    row.attachment_ids = list(data.attachment_ids)
    binding = data.template
    row.template_name = binding.name if binding else None
    row.template_language = binding.language.replace("-", "_") if binding else None
    row.template_parameters = (
        {k: v.model_dump() for k, v in binding.parameters.items()} if binding else {}
    )
    row.updated_at = now


async def create_response(uow: UnitOfWork, data: ResponseIn, now: datetime) -> StandardResponse:
    await _category(uow, data.category_id)
    await _unique_name(uow, data.name, None)
    await check_attachments(uow, data.attachment_ids)
    row = StandardResponse(created_at=now)
    write_response(row, data, now)
    uow.session.add(row)
    await uow.session.flush()
    return row


async def update_response(
    uow: UnitOfWork, response_id: int, data: ResponseIn, now: datetime
) -> StandardResponse:
    row = await get_response(uow, response_id)
    await _category(uow, data.category_id)
    await _unique_name(uow, data.name, response_id)
    await check_attachments(uow, data.attachment_ids)
    write_response(row, data, now)
    return row


async def delete_response(uow: UnitOfWork, response_id: int) -> None:
    await uow.session.delete(await get_response(uow, response_id))


async def fill_response(
    uow: UnitOfWork,
    row: StandardResponse,
    interaction: Interaction,
    agent: User,
    *,
    now: datetime,
    locale: str,
    time_zone: str,
) -> FilledResponse:
    """The response as the agent inserts it in this interaction: field codes filled in the
    agent's locale and time zone, and for a notification each template parameter's label and
    default (its binding's value, field codes filled, else Meta's example)."""
    contact = await uow.session.get(Contact, interaction.contact_id)
    ctx = FieldContext(
        now=now,
        contact_name=(contact.name or contact.profile_name) if contact else None,
        contact_wa_id=contact.wa_id if contact else None,
        agent_name=agent.name,
        interaction_id=interaction.id,
        started_at=interaction.created_at,
        locale=locale,
        time_zone=time_zone,
    )
    filled = fill_field_codes(row.text, ctx)
    template = None
    if row.template_name and row.template_language:
        stored = await uow.session.scalar(
            select(MessageTemplate).where(
                MessageTemplate.name == row.template_name,
                MessageTemplate.language == row.template_language,
            )
        )
        bindings = row.template_parameters or {}
        params: list[FilledParameter] = []
        if stored is not None:
            for p in template_parameters(as_meta(stored)):
                binding = bindings.get(p.key) or {}
                default = fill_field_codes(str(binding.get("value", "")), ctx).text
                params.append(
                    FilledParameter(
                        key=p.key,
                        label=str(binding.get("label") or p.name),
                        value=default,
                        example=p.example,
                    )
                )
        template = FilledTemplate(
            name=row.template_name,
            language=row.template_language,
            approved=stored is not None and stored.status == "APPROVED",
            parameters=params,
        )
    return FilledResponse(
        id=row.id,
        name=row.name,
        text=filled.text,
        missing=filled.missing,
        unknown=filled.unknown,
        attachment_ids=list(row.attachment_ids or []),
        template=template,
    )
