"""The ceiling for a registration on this machine: a bare endpoint doing only the minimum
durable work for the same request (parse the multipart, put the CV in S3, insert one row),
plus a plain single-insert JSON endpoint. `make bench` compares the real pipeline with it."""

import asyncio
import contextlib
import io
import json
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
from fastapi import FastAPI, File, Form, UploadFile

from services.common.settings import Settings
from services.common.storage import ensure_bucket, make_client

BUCKET = "bench-ceiling"


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = Settings()
    app.state.pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], max_size=10)
    await app.state.pool.execute(
        "CREATE TABLE IF NOT EXISTS ceiling (id uuid PRIMARY KEY, data jsonb NOT NULL)"
    )
    app.state.s3 = make_client(settings)
    await asyncio.to_thread(ensure_bucket, app.state.s3, BUCKET)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/ceiling/registrations", status_code=202)
async def registration(registration: str = Form(...), cv: UploadFile = File(...)) -> dict:
    data = json.loads(registration)
    reg_id = str(uuid.uuid4())
    body = await cv.read()
    await asyncio.to_thread(app.state.s3.put_object, BUCKET, reg_id, io.BytesIO(body), len(body))
    await app.state.pool.execute(
        "INSERT INTO ceiling(id, data) VALUES ($1, $2::jsonb)", reg_id, json.dumps(data)
    )
    return {"id": reg_id}


@app.post("/ceiling/json", status_code=201)
async def plain(data: dict) -> dict:
    reg_id = str(uuid.uuid4())
    await app.state.pool.execute(
        "INSERT INTO ceiling(id, data) VALUES ($1, $2::jsonb)", reg_id, json.dumps(data)
    )
    return {"id": reg_id}
