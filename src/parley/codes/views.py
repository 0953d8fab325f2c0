"""Thin routes for the code lists: `/dispositions` and `/not-ready-reasons`, the same verbs each.

Everyone logged in reads a list; only admins change it (403 `admin_only`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from parley.auth.models import User
from parley.codes import service
from parley.codes.schemas import CodeIn, CodeList, CodeOrder, CodeOut, CodePatch
from parley.deps import CurrentUser, PathId, RuntimeDep, Uow
from parley.domain.codes import CodeKind
from parley.domain.roles import runs_the_system
from parley.errors import Forbidden

router = APIRouter(prefix="/api/v1", tags=["codes"])
PATHS: dict[CodeKind, str] = {
    "disposition": "dispositions",
    "not_ready_reason": "not-ready-reasons",
}


def _admin(user: CurrentUser) -> User:
    """Admins only (403 `admin_only`), checked before the body is read."""
    if not runs_the_system(user.role):
        raise Forbidden("Only admins change dispositions and Not Ready reasons.", code="admin_only")
    return user


# A dependency, so an agent hears 403 before any complaint about the body (422).
AdminUser = Annotated[User, Depends(_admin)]


def _routes(kind: CodeKind) -> None:
    path = "/" + PATHS[kind]
    name = kind

    @router.get(path, response_model=CodeList, name=f"list_{name}s")
    async def list_codes(user: CurrentUser, uow: Uow) -> CodeList:
        """The whole list in order, active or not; agents pick from the active ones."""
        return CodeList(items=await service.list_codes(uow, kind))

    @router.post(path, response_model=CodeOut, status_code=201, name=f"create_{name}")
    async def create_code(body: CodeIn, user: AdminUser, uow: Uow, runtime: RuntimeDep) -> CodeOut:
        code = await service.create_code(
            uow, runtime.clock, user, kind, label=body.label, active=body.active
        )
        out = await service.code_out(uow, code)
        await uow.commit()
        return out

    @router.put(path + "/order", response_model=CodeList, name=f"order_{name}s")
    async def order_codes(
        body: CodeOrder, user: AdminUser, uow: Uow, runtime: RuntimeDep
    ) -> CodeList:
        await service.reorder_codes(uow, runtime.clock, user, kind, body.ids)
        out = CodeList(items=await service.list_codes(uow, kind))
        await uow.commit()
        return out

    @router.patch(path + "/{code_id}", response_model=CodeOut, name=f"update_{name}")
    async def update_code(
        code_id: PathId, body: CodePatch, user: AdminUser, uow: Uow, runtime: RuntimeDep
    ) -> CodeOut:
        """Rename, deactivate (`active: false`) or reactivate."""
        code = await service.get_code(uow, kind, code_id)
        await service.update_code(
            uow,
            runtime.clock,
            user,
            code,
            label=body.label,
            active=body.active,
            disposition_required=runtime.settings.disposition_required,
            capacity=runtime.settings.agent_capacity,
        )
        out = await service.code_out(uow, code)
        await uow.commit()
        return out

    @router.delete(path + "/{code_id}", status_code=204, name=f"delete_{name}")
    async def delete_code(
        code_id: PathId, user: AdminUser, uow: Uow, runtime: RuntimeDep
    ) -> Response:
        """Only a code no record names (409 `code_in_use`: deactivate it instead)."""
        code = await service.get_code(uow, kind, code_id)
        await service.delete_code(
            uow,
            runtime.clock,
            user,
            code,
            disposition_required=runtime.settings.disposition_required,
        )
        await uow.commit()
        return Response(status_code=204)


for _kind in PATHS:
    _routes(_kind)
