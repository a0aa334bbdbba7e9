"""The stack's own limit: a bare FastAPI endpoint doing one INSERT into the same database Concord uses.

Served by ``bench/load.py`` exactly as Concord is (uvicorn, same workers, same engine settings, a sync route in the
thread pool as Concord's routes are). ``bench/load.py`` creates its table ``bench_insert`` before starting it:
several workers creating it at import time race each other on PostgreSQL's catalog, and the loser dies.
"""

import os

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from app.db import make_engine

__all__ = ["app"]

engine = make_engine(os.environ["CONCORD_DATABASE_URL"])
app = FastAPI()


class Row(BaseModel):
    member: str
    choice: str


@app.get("/health")
def health() -> dict:
    return {"ok": True}


@app.post("/insert")
def insert(row: Row) -> dict:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bench_insert (member, choice) VALUES (:m, :c)"),
                           {"m": row.member, "c": row.choice})
    return {"ok": True}
