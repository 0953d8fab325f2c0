"""Admins' shared workbins: make, rename and describe, delete when empty."""

from __future__ import annotations

from sqlalchemy import func, select

from parley.audit.service import record_action
from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain import workbins as rules
from parley.errors import Conflict
from parley.interactions.models import Interaction
from parley.teams.service import workbin_audience
from parley.workbins.events import WorkbinRemoved, WorkbinUpdated
from parley.workbins.models import Workbin
from parley.workbins.service import workbin_out


async def create_workbin(
    uow: UnitOfWork, clock: Clock, actor: User, *, name: str, description: str | None
) -> Workbin:
    """A shared workbin for the team (admins)."""
    await _name_free(uow, name)
    workbin = Workbin(
        name=name.strip(), kind="shared", description=description or None, created_at=clock.now()
    )
    uow.session.add(workbin)
    await uow.session.flush()
    _audit(
        uow, clock, actor, workbin, "created", f"{actor.name} created the workbin “{workbin.name}”"
    )
    uow.emit(WorkbinUpdated(workbin=await workbin_out(uow, workbin)), everyone=True)
    return workbin


async def update_workbin(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    workbin: Workbin,
    *,
    name: str | None,
    description: str | None,
) -> None:
    if workbin.kind != "shared":
        raise Conflict("A personal workbin keeps its name.", code="workbin_personal")
    before = (workbin.name, workbin.description)
    if name is not None and name.strip() != workbin.name:
        await _name_free(uow, name, but=workbin.id)
        workbin.name = name.strip()
    if description is not None:
        workbin.description = description.strip() or None
    if (workbin.name, workbin.description) != before:
        _audit(uow, clock, actor, workbin, "updated",
               f"{actor.name} changed the workbin “{workbin.name}”",
               {"before": {"name": before[0], "description": before[1]}})  # fmt: skip
    event = WorkbinUpdated(workbin=await workbin_out(uow, workbin))
    audience = await workbin_audience(uow.session, workbin.id)
    if audience is None:
        uow.emit(event, everyone=True)
    else:  # the agents of other teams never see it
        uow.emit(event, users=audience)


async def delete_workbin(uow: UnitOfWork, clock: Clock, actor: User, workbin: Workbin) -> None:
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
    _audit(
        uow, clock, actor, workbin, "deleted", f"{actor.name} deleted the workbin “{workbin.name}”"
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


def _audit(
    uow: UnitOfWork, clock: Clock, actor: User, workbin: Workbin, verb: str, summary: str,
    detail: dict[str, object] | None = None,
) -> None:  # fmt: skip
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=actor.id,
        action=f"workbin.{verb}",
        subject_type="workbin",
        subject_id=workbin.id,
        summary=summary,
        detail={"name": workbin.name, **(detail or {})},
    )
