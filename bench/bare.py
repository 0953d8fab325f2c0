"""The ceilings: the same server (one uvicorn worker) with no Parley logic, as a FastAPI route
and as a plain ASGI app (the way Parley's own webhook endpoint is mounted).

    python -m bench.bare --port 8100 [--raw]

`POST /webhooks/whatsapp` reads the body, checks `X-Hub-Signature-256` and answers 200.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response

from parley.whatsapp.signature import verify_signature

SECRET = "parley-dev-app-secret"


def create_bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/webhooks/whatsapp")
    async def receive(request: Request) -> Response:
        body = await request.body()
        if not verify_signature(body, request.headers.get("x-hub-signature-256"), SECRET):
            return Response(status_code=401)
        return Response(status_code=200)

    return app


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    signature = next((v.decode() for k, v in scope["headers"] if k == b"x-hub-signature-256"), None)
    status = 200 if verify_signature(b"".join(chunks), signature, SECRET) else 401
    headers = [(b"content-length", b"0")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--raw", action="store_true", help="a plain ASGI app, not FastAPI")
    args = parser.parse_args()
    app: Any = raw_app if args.raw else create_bare_app()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
