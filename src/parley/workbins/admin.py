"""Admins' shared workbins: make, rename and describe, delete when empty."""

from __future__ import annotations

from sqlalchemy import func, select

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain import workbins as rules
from parley.errors import Conflict
from parley.interactions.models import Interaction
from parley.workbins.events import WorkbinRemoved, WorkbinUpdated
from parley.workbins.models import Workbin
from parley.workbins.service import workbin_out


async def create_workbin(
    uow: UnitOfWork, clock: Clock, *, name: str, description: str | None
) -> Workbin:
    """A shared workbin for the team (admins)."""
    await _name_free(uow, name)
    workbin = Workbin(
        name=name.strip(), kind="shared", description=description or None, created_at=clock.now()
    )
    uow.session.add(workbin)
    await uow.session.flush()
    uow.emit(WorkbinUpdated(workbin=await workbin_out(uow, workbin)), everyone=True)
    return workbin


async def update_workbin(
    uow: UnitOfWork, workbin: Workbin, *, name: str | None, description: str | None
) -> None:
    if workbin.kind != "shared":
        raise Conflict("A personal workbin keeps its name.", code="workbin_personal")
    if name is not None and name.strip() != workbin.name:
        await _name_free(uow, name, but=workbin.id)
        workbin.name = name.strip()
    if description is not None:
        workbin.description = description.strip() or None
    uow.emit(WorkbinUpdated(workbin=await workbin_out(uow, workbin)), everyone=True)


async def delete_workbin(uow: UnitOfWork, workbin: Workbin) -> None:
    """Only an empty shared workbin goes: nothing parked is ever orphaned."""
    if workbin.kind != "shared":
        raise Conflict("A personal workbin cannot be deleted.", code="workbin_personal")
    parked = await uow.session.scalar(
        select(func.count()).where(
            Interaction.workbin_id == workbin.id, Interaction.state == "parked"
        )
    )
    if parked:
        raise Conflict(
            f"{parked} interaction(s) still wait in this workbin: move them first.",
            code="workbin_not_empty",
        )
    await uow.session.delete(workbin)
    uow.emit(WorkbinRemoved(workbin_id=workbin.id), everyone=True)


async def _name_free(uow: UnitOfWork, name: str, *, but: int | None = None) -> None:
    """Names are compared as people read them: any case, any script (casefolded here, since the
    databases' own lower() knows only ASCII); the personal workbins' name is reserved."""
    wanted = name.strip().casefold()
    if wanted == rules.PERSONAL_NAME.casefold():
        raise Conflict(
            f"“{rules.PERSONAL_NAME}” is every agent's own workbin: choose another name.",
            code="workbin_exists",
        )
    rows = await uow.session.execute(
        select(Workbin.id, Workbin.name).where(Workbin.kind == "shared")
    )
    if any(w_id != but and w_name.casefold() == wanted for w_id, w_name in rows.all()):
        raise Conflict("A shared workbin with this name exists.", code="workbin_exists")
