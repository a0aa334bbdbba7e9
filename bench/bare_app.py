"""The stack's own limit: a bare FastAPI endpoint doing one INSERT into the same database Concord uses.

Served by ``bench/load.py`` exactly as Concord is (uvicorn, same workers, same engine settings).
"""

import os

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from app.db import make_engine

__all__ = ["app"]

engine = make_engine(os.environ["CONCORD_DATABASE_URL"])
with engine.begin() as connection:
    connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_insert (member VARCHAR(80) NOT NULL, "
                               "choice VARCHAR(16) NOT NULL)")
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
