"""The ceiling: the same server stack (FastAPI under one uvicorn worker) with no Parley logic.

    python -m bench.bare --port 8100

`POST /webhooks/whatsapp` reads the body, checks `X-Hub-Signature-256` and answers 200.
"""

from __future__ import annotations

import argparse

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    uvicorn.run(
        create_bare_app(), host="127.0.0.1", port=args.port, log_level="warning", access_log=False
    )


if __name__ == "__main__":
    main()
