"""`WS /api/v1/events`: the caller's live event stream."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from parley.deps import bearer_token, websocket_session
from parley.realtime.hub import Connection
from parley.runtime import Runtime

router = APIRouter()


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser
    return urlsplit(origin).netloc == websocket.headers.get("host")


async def _write(websocket: WebSocket, connection: Connection) -> None:
    await connection.run_writer()
    if connection.ended:
        # Logged out or expired: the desktop shows its login page instead of reconnecting.
        await websocket.close(code=4401, reason="session ended")
    elif connection.close_code is not None:
        # The node stops (1001) or its bus missed events (1012): reconnect and catch up.
        await websocket.close(code=connection.close_code, reason="reconnect")
    elif connection.overflowed:
        # Too slow to keep up: the client reconnects and catches up from the REST API.
        await websocket.close(code=1013, reason="too slow")


@router.websocket("/api/v1/events")
async def events(websocket: WebSocket) -> None:
    runtime: Runtime = websocket.app.state.runtime
    uses_cookie = "token" not in websocket.query_params and not bearer_token(
        websocket.headers.get("authorization")
    )
    session = await websocket_session(websocket, runtime)
    await websocket.accept()  # then close, so the client sees 4401 and not a bare HTTP 403
    if session is None or (uses_cookie and not _same_origin(websocket)):
        await websocket.close(code=4401, reason="not authenticated")
        return
    user, auth = session
    connection = Connection(
        user_id=user.id, role=user.role, send=websocket.send_text, auth_token_id=auth.id
    )
    runtime.hub.add(connection)
    writer = asyncio.create_task(_write(websocket, connection))
    left = (auth.expires_at - runtime.clock.now()).total_seconds()
    expiry = asyncio.get_running_loop().call_later(max(0.0, left), connection.end)
    try:
        await websocket.send_text('{"id":0,"type":"hello"}')
        while True:
            # Clients only ping; anything they send, text or binary, is ignored.
            if (await websocket.receive())["type"] == "websocket.disconnect":
                break
    except WebSocketDisconnect:
        pass
    finally:
        expiry.cancel()
        runtime.hub.remove(connection)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer
