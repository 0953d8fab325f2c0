"""Keeping the code lists: dispositions (Mark Done) and Not Ready reasons (the status menu).

Admins add, rename, order, deactivate and delete (only what no record names) codes; each change
is written to the audit log in the caller's transaction and every desktop hears the new list
(`codes.updated`). The lists start from the settings the first time a node starts
(`seed_from_settings`), so a deployment keeps the lists it had. Services never commit.
"""

from __future__ import annotations

from sqlalchemy import column, func, select, table

from parley.audit.service import record_action
from parley.auth.models import User
from parley.auth.service import announce
from parley.clock import Clock
from parley.codes.events import CodesUpdated
from parley.codes.models import Code, CodeList
from parley.codes.schemas import CodeOut
from parley.db.uow import UnitOfWork
from parley.domain.codes import CodeKind
from parley.errors import Conflict, Invalid, NotFound

NAMES: dict[CodeKind, str] = {"disposition": "disposition", "not_ready_reason": "Not Ready reason"}
# The records that name a code, by the columns the check needs (features above this one).
_interactions = table("interactions", column("disposition_code_id"))


async def active_labels(uow: UnitOfWork, kind: CodeKind) -> tuple[str, ...]:
    """The codes agents may pick now, in the admins' order."""
    rows = await uow.session.scalars(
        select(Code.label)
        .where(Code.kind == kind, Code.active.is_(True))
        .order_by(Code.position, Code.id)
    )
    return tuple(rows)


async def active_codes(uow: UnitOfWork, kind: CodeKind) -> dict[str, int]:
    """The codes agents may pick now, label to id, in the admins' order."""
    rows = await uow.session.execute(
        select(Code.label, Code.id)
        .where(Code.kind == kind, Code.active.is_(True))
        .order_by(Code.position, Code.id)
    )
    return {label: code_id for label, code_id in rows}


async def _used_ids(uow: UnitOfWork, kind: CodeKind, codes: list[Code]) -> set[int]:
    """Which of `codes` some record names: a past interaction's disposition (by the code's id,
    so a rename keeps it; an index lookup per code), an agent's current Not Ready reason (by
    its words, which a rename carries over to the agents who hold it)."""
    if not codes:
        return set()
    if kind == "disposition":
        column_ = _interactions.c.disposition_code_id
        named = select(column_).where(column_.in_([c.id for c in codes])).distinct()
        return {int(code_id) for code_id in await uow.session.scalars(named)}
    labels = [c.label for c in codes]
    held = select(User.status_reason).where(User.status_reason.in_(labels)).distinct()
    found = {str(label) for label in await uow.session.scalars(held)}
    return {c.id for c in codes if c.label in found}


async def list_codes(uow: UnitOfWork, kind: CodeKind) -> list[CodeOut]:
    """Every code of the list, active or not, in order, each saying whether a record names it
    (a past interaction's disposition; an agent's current Not Ready reason)."""
    rows = list(
        await uow.session.scalars(
            select(Code).where(Code.kind == kind).order_by(Code.position, Code.id)
        )
    )
    used = await _used_ids(uow, kind, rows)
    return [_out(code, code.id in used) for code in rows]


def _out(code: Code, used: bool) -> CodeOut:
    return CodeOut(
        id=code.id, label=code.label, position=code.position, active=code.active, used=used
    )


async def code_out(uow: UnitOfWork, code: Code) -> CodeOut:
    return _out(code, code.id in await _used_ids(uow, _kind(code.kind), [code]))


async def get_code(uow: UnitOfWork, kind: CodeKind, code_id: int) -> Code:
    code = await uow.session.get(Code, code_id)
    if code is None or code.kind != kind:
        raise NotFound(f"No such {NAMES[kind]}.", code="code_not_found")
    return code


async def create_code(
    uow: UnitOfWork, clock: Clock, actor: User, kind: CodeKind, *, label: str, active: bool
) -> Code:
    """A new code at the end of its list (409 `code_exists` if the label is taken, any case)."""
    await _label_free(uow, kind, label)
    last = await uow.session.scalar(select(func.max(Code.position)).where(Code.kind == kind))
    code = Code(
        kind=kind,
        label=label,
        label_key=label.casefold(),
        position=(last + 1) if last is not None else 0,
        active=active,
        created_at=clock.now(),
    )
    uow.session.add(code)
    await uow.session.flush()
    _audit(uow, clock, actor, code, "created", f"{actor.name} added the {NAMES[kind]} “{label}”")
    await _announce(uow, kind)
    return code


async def update_code(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    code: Code,
    *,
    label: str | None,
    active: bool | None,
    disposition_required: bool,
    capacity: int = 1,
) -> None:
    """Rename, deactivate or reactivate one code. A rename keeps history truthful: a past
    interaction keeps the words its agent picked (and still points at the code), while an agent
    Not Ready with the old reason now shows the new words (`capacity` is for announcing them).
    The last active disposition stays while Mark Done requires one (409 `code_required`)."""
    kind = _kind(code.kind)
    changes: dict[str, list[object]] = {}
    if label is not None and label != code.label:
        if label.casefold() != code.label_key:
            await _label_free(uow, kind, label)
        changes["label"] = [code.label, label]
        if kind == "not_ready_reason":
            await _carry_reason(uow, code.label, label, capacity)
        code.label, code.label_key = label, label.casefold()
    if active is not None and active != code.active:
        if not active and kind == "disposition" and disposition_required:
            await _keep_one_active(uow, code)
        changes["active"] = [code.active, active]
        code.active = active
    if not changes:
        return
    verb = "updated"
    if set(changes) == {"active"}:
        verb = "reactivated" if code.active else "deactivated"
    words = {"updated": "changed", "reactivated": "reactivated", "deactivated": "deactivated"}
    summary = f"{actor.name} {words[verb]} the {NAMES[kind]} “{code.label}”"
    if "label" in changes:
        summary += f" (was “{changes['label'][0]}”)"
    _audit(uow, clock, actor, code, verb, summary, {"changes": changes})
    await _announce(uow, kind)


async def delete_code(
    uow: UnitOfWork, clock: Clock, actor: User, code: Code, *, disposition_required: bool
) -> None:
    """Only a code no record names goes (409 `code_in_use`: deactivate it instead)."""
    kind = _kind(code.kind)
    if code.id in await _used_ids(uow, kind, [code]):
        raise Conflict(
            f"“{code.label}” is named by past records: deactivate it instead.",
            code="code_in_use",
        )
    if code.active and kind == "disposition" and disposition_required:
        await _keep_one_active(uow, code)
    _audit(
        uow, clock, actor, code, "deleted", f"{actor.name} deleted the {NAMES[kind]} “{code.label}”"
    )
    await uow.session.delete(code)
    await uow.session.flush()
    await _announce(uow, kind)


async def reorder_codes(
    uow: UnitOfWork, clock: Clock, actor: User, kind: CodeKind, ids: list[int]
) -> None:
    """Put the list in the order of `ids`: every code of the list, each once (422 otherwise, so
    two admins ordering at once never lose a code between them)."""
    codes = {c.id: c for c in await uow.session.scalars(select(Code).where(Code.kind == kind))}
    if len(ids) != len(set(ids)) or set(ids) != set(codes):
        raise Invalid(
            f"Give every {NAMES[kind]} of the list once, in the new order.",
            code="incomplete_order",
            fields=[{"field": "ids", "message": "must hold each id of the list once"}],
        )
    before = [c.label for c in sorted(codes.values(), key=lambda c: (c.position, c.id))]
    for position, code_id in enumerate(ids):
        codes[code_id].position = position
    after = [codes[i].label for i in ids]
    if after == before:
        return
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=actor.id,
        action=f"{kind}.reordered",
        subject_type=kind,
        subject_id="*",
        summary=f"{actor.name} reordered the {NAMES[kind]}s",
        detail={"before": before, "after": after},
    )
    await _announce(uow, kind)


async def seed_from_settings(
    uow: UnitOfWork, clock: Clock, kind: CodeKind, labels: tuple[str, ...]
) -> bool:
    """Fill the list from its setting unless it was seeded before (even if emptied since);
    returns whether it did. Several nodes starting at once claim the `code_lists` row: the one
    that loses gets an IntegrityError at flush or commit and leaves the list to the winner."""
    done = await uow.session.scalar(select(CodeList.kind).where(CodeList.kind == kind))
    if done is not None:
        return False
    uow.session.add(CodeList(kind=kind, seeded_at=clock.now()))
    await uow.session.flush()
    taken: set[str] = set()
    for label in labels:
        if label.casefold() in taken:
            continue
        taken.add(label.casefold())
        uow.session.add(
            Code(
                kind=kind,
                label=label,
                label_key=label.casefold(),
                position=len(taken) - 1,
                active=True,
                created_at=clock.now(),
            )
        )
    await uow.session.flush()
    return True


async def _carry_reason(uow: UnitOfWork, old: str, new: str, capacity: int) -> None:
    """Agents Not Ready with `old` are now Not Ready with `new` (their timer keeps running)."""
    holders = await uow.session.scalars(select(User).where(User.status_reason == old))
    for user in holders:
        user.status_reason = new
        announce(uow, user, capacity)


async def _label_free(uow: UnitOfWork, kind: CodeKind, label: str) -> None:
    taken = await uow.session.scalar(
        select(Code.id).where(Code.kind == kind, Code.label_key == label.casefold())
    )
    if taken is not None:
        raise Conflict(f"The {NAMES[kind]} “{label}” exists already.", code="code_exists")


async def _keep_one_active(uow: UnitOfWork, code: Code) -> None:
    others = await uow.session.scalar(
        select(func.count()).where(
            Code.kind == code.kind, Code.active.is_(True), Code.id != code.id
        )
    )
    if not others:
        raise Conflict(
            "Mark Done requires a disposition (PARLEY_DISPOSITION_REQUIRED): keep one active.",
            code="code_required",
        )


def _kind(value: str) -> CodeKind:
    return "disposition" if value == "disposition" else "not_ready_reason"


def _audit(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    code: Code,
    verb: str,
    summary: str,
    detail: dict[str, object] | None = None,
) -> None:
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=actor.id,
        action=f"{code.kind}.{verb}",
        subject_type=code.kind,
        subject_id=code.id,
        summary=summary,
        detail={"label": code.label, **(detail or {})},
    )


async def _announce(uow: UnitOfWork, kind: CodeKind) -> None:
    await uow.session.flush()
    labels = list(await active_labels(uow, kind))
    uow.emit(CodesUpdated(kind=kind, labels=labels), everyone=True)
