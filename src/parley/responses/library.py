"""The whole library as one document (JSON or YAML) a team can keep in git, and back.

Import merges: categories are matched by their path of names, responses by name (updated in
place, moved to the file's category); nothing absent from the file is removed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import orjson
import yaml
from pydantic import ValidationError
from sqlalchemy import select

from parley.db.uow import UnitOfWork
from parley.errors import Invalid
from parley.responses.models import ResponseCategory, StandardResponse
from parley.responses.schemas import (
    CategoryFile,
    ImportOut,
    LibraryFile,
    ResponseFile,
    ResponseIn,
)
from parley.responses.service import check_attachments, response_out, write_response

FORMATS = ("json", "yaml")


async def export_library(uow: UnitOfWork) -> LibraryFile:
    categories = list(
        await uow.session.scalars(
            select(ResponseCategory).order_by(ResponseCategory.position, ResponseCategory.name)
        )
    )
    responses = list(
        await uow.session.scalars(select(StandardResponse).order_by(StandardResponse.name))
    )

    def branch(parent_id: int | None) -> list[CategoryFile]:
        out = []
        for c in (c for c in categories if c.parent_id == parent_id):
            items = []
            for r in (r for r in responses if r.category_id == c.id):
                shown = response_out(r)
                items.append(
                    ResponseFile(
                        name=shown.name,
                        text=shown.text,
                        attachment_ids=shown.attachment_ids,
                        template=shown.template,
                    )
                )
            out.append(CategoryFile(name=c.name, responses=items, categories=branch(c.id)))
        return out

    return LibraryFile(categories=branch(None))


def dump(library: LibraryFile, fmt: str) -> bytes:
    data = library.model_dump(mode="json", exclude_defaults=False)
    if fmt == "yaml":
        text = str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
        return text.encode()
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


def load(raw: bytes, fmt: str) -> LibraryFile:
    """Parse a library file; a clear Invalid for bad syntax or shape, never a 500."""
    try:
        data: Any = yaml.safe_load(raw) if fmt == "yaml" else orjson.loads(raw)
    except (yaml.YAMLError, orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"The file is not valid {fmt.upper()}.", code="invalid_library") from exc
    try:
        return LibraryFile.model_validate(data)
    except ValidationError as exc:
        fields = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in exc.errors()[:20]
        ]
        raise Invalid(
            "The file is not a response library.", code="invalid_library", fields=fields
        ) from None


def _every_response(items: list[CategoryFile]) -> list[ResponseFile]:
    found: list[ResponseFile] = []
    for item in items:
        found += item.responses
        found += _every_response(item.categories)
    return found


async def _check_file(uow: UnitOfWork, library: LibraryFile) -> None:
    """Refuse the whole file before writing anything: a response name twice (which one should
    win?) or an attachment that is not there."""
    entries = _every_response(library.categories)
    twice = sorted(name for name, n in Counter(e.name for e in entries).items() if n > 1)
    if twice:
        raise Invalid(
            f"The file names {len(twice)} response(s) more than once: {', '.join(twice)}.",
            code="invalid_library",
            fields=[{"field": "responses", "message": f"{n!r} appears twice"} for n in twice],
        )
    await check_attachments(uow, sorted({i for e in entries for i in e.attachment_ids}))


async def import_library(uow: UnitOfWork, library: LibraryFile, now: datetime) -> ImportOut:
    await _check_file(uow, library)
    categories = list(await uow.session.scalars(select(ResponseCategory)))
    by_path = {(c.parent_id, c.name): c for c in categories}
    responses = {r.name: r for r in await uow.session.scalars(select(StandardResponse))}
    counts = {"categories": 0, "created": 0, "updated": 0}

    async def place(items: list[CategoryFile], parent_id: int | None) -> None:
        for position, item in enumerate(items):
            category = by_path.get((parent_id, item.name))
            if category is None:
                category = ResponseCategory(
                    name=item.name,
                    parent_id=parent_id,
                    position=position,
                    created_at=now,
                    updated_at=now,
                )
                uow.session.add(category)
                await uow.session.flush()
                by_path[(parent_id, item.name)] = category
                counts["categories"] += 1
            for entry in item.responses:
                data = ResponseIn(
                    name=entry.name,
                    category_id=category.id,
                    text=entry.text,
                    attachment_ids=entry.attachment_ids,
                    template=entry.template,
                )
                row = responses.get(entry.name)
                if row is None:
                    row = StandardResponse(created_at=now)
                    uow.session.add(row)
                    responses[entry.name] = row
                    counts["created"] += 1
                else:
                    counts["updated"] += 1
                write_response(row, data, now)
            await uow.session.flush()
            await place(item.categories, category.id)

    await place(library.categories, None)
    return ImportOut(
        categories_created=counts["categories"],
        responses_created=counts["created"],
        responses_updated=counts["updated"],
    )
