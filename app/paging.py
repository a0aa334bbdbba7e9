"""Where a page of a long list starts, how long it is, and how many items there are in all (API and pages alike)."""

from pydantic import BaseModel


class Page(BaseModel):
    offset: int
    limit: int
    total: int
