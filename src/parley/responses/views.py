"""Thin routes for the Standard Response Library: reads for everyone, writes for admins."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from parley.audit.service import record_action
from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.domain.field_codes import locale_or_default, zone_or_default
from parley.fields import MAX_ID
from parley.interactions.service import access_interaction
from parley.responses import library, service
from parley.responses.models import ResponseCategory
from parley.responses.schemas import (
    CategoryIn,
    CategoryList,
    CategoryOut,
    FilledResponse,
    ImportOut,
    ResponseIn,
    ResponseList,
    ResponseOut,
)
from parley.runtime import Runtime

router = APIRouter(prefix="/api/v1", tags=["responses"])
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
Format = Literal["json", "yaml"]
MEDIA = {"json": "application/json", "yaml": "application/yaml"}


def _audit(
    uow: UnitOfWork, runtime: Runtime, user: User, action: str, subject_id: int | str, what: str,
    detail: dict[str, object] | None = None,
) -> None:  # fmt: skip
    """Every change to the library goes into the audit log, in the change's transaction."""
    kind = action.split(".")[0]
    record_action(uow.session, at=runtime.clock.now(), actor_id=user.id, action=action,
                  subject_type=kind, subject_id=subject_id, summary=f"{user.name} {what}",
                  detail=detail)  # fmt: skip


@router.get("/response-categories", response_model=CategoryList)
async def list_categories(user: CurrentUser, uow: Uow) -> CategoryList:
    return CategoryList(items=await service.list_categories(uow))


@router.post("/response-categories", response_model=CategoryOut, status_code=201)
async def create_category(
    body: CategoryIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> CategoryOut:
    service.require_admin(user)
    row = await service.create_category(uow, body, runtime.clock.now())
    _audit(
        uow,
        runtime,
        user,
        "response_category.created",
        row.id,
        f"added the response category “{row.name}”",
    )
    out = service.category_out(row)
    await uow.commit()
    return out


@router.put("/response-categories/{category_id}", response_model=CategoryOut)
async def update_category(
    category_id: ItemId, body: CategoryIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> CategoryOut:
    service.require_admin(user)
    row = await service.update_category(uow, category_id, body, runtime.clock.now())
    _audit(
        uow,
        runtime,
        user,
        "response_category.updated",
        row.id,
        f"changed the response category “{row.name}”",
    )
    out = service.category_out(row)
    await uow.commit()
    return out


@router.delete("/response-categories/{category_id}", status_code=204)
async def delete_category(
    category_id: ItemId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> Response:
    service.require_admin(user)
    found = await uow.session.get(ResponseCategory, category_id)
    await service.delete_category(uow, category_id)
    name = found.name if found else str(category_id)
    _audit(
        uow,
        runtime,
        user,
        "response_category.deleted",
        category_id,
        f"deleted the response category “{name}”",
    )
    await uow.commit()
    return Response(status_code=204)


@router.get("/responses", response_model=ResponseList)
async def search_responses(
    user: CurrentUser,
    uow: Uow,
    q: Annotated[str | None, Query(max_length=200, description="words in the name or text")] = None,
    category_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ResponseList:
    return ResponseList(items=await service.search_responses(uow, q, category_id))


@router.get("/responses/export", responses={200: {"content": {"application/yaml": {}}}})
async def export_library(
    user: CurrentUser, uow: Uow, format: Annotated[Format, Query()] = "json"
) -> Response:
    """The whole library (`{version, categories: [{name, responses, categories}]}`) as a file."""
    service.require_admin(user)
    data = library.dump(await library.export_library(uow), format)
    disposition = f'attachment; filename="responses.{format}"'
    return Response(data, media_type=MEDIA[format], headers={"Content-Disposition": disposition})


@router.post("/responses/import", response_model=ImportOut)
async def import_library(
    request: Request,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    format: Annotated[Format | None, Query(description="default: from Content-Type")] = None,
) -> ImportOut:
    """Merge a library file (the export's shape) sent as the request body, JSON or YAML."""
    service.require_admin(user)
    kind = format or ("yaml" if "yaml" in request.headers.get("content-type", "") else "json")
    parsed = library.load(await request.body(), kind)
    out = await library.import_library(uow, parsed, runtime.clock.now())
    _audit(uow, runtime, user, "response.imported", "*", "imported a response library",
           out.model_dump())  # fmt: skip
    await uow.commit()
    return out


@router.get("/responses/{response_id}", response_model=ResponseOut)
async def get_response(response_id: ItemId, user: CurrentUser, uow: Uow) -> ResponseOut:
    return service.response_out(await service.get_response(uow, response_id))


@router.get("/responses/{response_id}/filled", response_model=FilledResponse)
async def fill_response(
    response_id: ItemId,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    interaction_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    locale: Annotated[str | None, Query(max_length=35)] = None,
    time_zone: Annotated[str | None, Query(max_length=64)] = None,
) -> FilledResponse:
    """The response with its field codes filled for this interaction, dates in the agent's
    `locale` (`en_US`, `pt-BR`) and `time_zone` (IANA; default UTC)."""
    interaction = await access_interaction(uow, user, interaction_id)
    row = await service.get_response(uow, response_id)
    return await service.fill_response(
        uow,
        row,
        interaction,
        user,
        now=runtime.clock.now(),
        locale=locale_or_default(locale),
        time_zone=zone_or_default(time_zone),
    )


@router.post("/responses", response_model=ResponseOut, status_code=201)
async def create_response(
    body: ResponseIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> ResponseOut:
    service.require_admin(user)
    row = await service.create_response(uow, body, runtime.clock.now())
    _audit(uow, runtime, user, "response.created", row.id, f"added the response “{row.name}”")
    out = service.response_out(row)
    await uow.commit()
    return out


@router.put("/responses/{response_id}", response_model=ResponseOut)
async def update_response(
    response_id: ItemId, body: ResponseIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> ResponseOut:
    service.require_admin(user)
    row = await service.update_response(uow, response_id, body, runtime.clock.now())
    _audit(uow, runtime, user, "response.updated", row.id, f"changed the response “{row.name}”")
    out = service.response_out(row)
    await uow.commit()
    return out


@router.delete("/responses/{response_id}", status_code=204)
async def delete_response(
    response_id: ItemId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> Response:
    service.require_admin(user)
    name = (await service.get_response(uow, response_id)).name
    await service.delete_response(uow, response_id)
    _audit(uow, runtime, user, "response.deleted", response_id, f"deleted the response “{name}”")
    await uow.commit()
    return Response(status_code=204)
