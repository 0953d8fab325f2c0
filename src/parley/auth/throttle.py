"""Failed-login throttling, counted in the database so every node sees every failure.

Per username and per client address over a sliding window (the rule: `domain.throttle`). A
success clears the username's count, not the address's (agents behind one office router share
it). Old failures are deleted as new ones come, so the table holds at most a window's worth.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from parley.auth.models import LoginFailure
from parley.db.uow import UnitOfWork
from parley.domain.throttle import wait_seconds


@dataclass(frozen=True)
class LoginThrottle:
    per_user: int = 5
    per_address: int = 30
    window_seconds: float = 300.0

    async def wait_seconds(
        self, uow: UnitOfWork, username: str, address: str, now: datetime
    ) -> float:
        """How long these credentials must wait before another try; 0 if they may try now."""
        waits = [
            await self._wait(uow, key, limit, now)
            for key, limit in (
                (_user(username), self.per_user),
                (_address(address), self.per_address),
            )
        ]
        return max(waits)

    async def failed(self, uow: UnitOfWork, username: str, address: str, now: datetime) -> None:
        keys = [_user(username), _address(address)]
        old = now - timedelta(seconds=self.window_seconds)
        await uow.session.execute(
            delete(LoginFailure).where(LoginFailure.key.in_(keys), LoginFailure.at <= old)
        )
        uow.session.add_all(LoginFailure(key=key, at=now) for key in keys)

    async def succeeded(self, uow: UnitOfWork, username: str) -> None:
        await uow.session.execute(delete(LoginFailure).where(LoginFailure.key == _user(username)))

    async def _wait(self, uow: UnitOfWork, key: str, limit: int, now: datetime) -> float:
        since = now - timedelta(seconds=self.window_seconds)
        times = await uow.session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.key == key, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
            .limit(limit)
        )
        recent = [_seconds(t) for t in times]
        return wait_seconds(recent, limit, self.window_seconds, _seconds(now))


def _seconds(at: datetime) -> float:
    return at.astimezone(UTC).timestamp()


def _user(username: str) -> str:
    # Counted as the username reads (NFKC, casefolded): fullwidth alice is one more try at alice.
    return "user:" + unicodedata.normalize("NFKC", username).casefold()[:150]


def _address(address: str) -> str:
    return "address:" + address[:150]
