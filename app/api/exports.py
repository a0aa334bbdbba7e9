"""Downloads of the public record: results, votes of closed ballots, the weights register, power per member per rule,
as CSV (UTF-8 with a byte order mark, for spreadsheets) or JSON with each column documented."""

import csv
import io

from fastapi import Path
from fastapi.responses import JSONResponse, Response

from app.api.common import coalition_router
from app.deps import SessionDep
from governance import coalitions, exports

router = coalition_router("exports")
FORMATS = ("csv", "json")
EXPORT_HELP = ("One of " + ", ".join(f"{name}.{fmt}" for name in exports.TABLES for fmt in FORMATS) + ". Columns: "
               + "; ".join(f"{name}: " + ", ".join(f"{c.name} ({c.meaning})" for c in columns)
                           for name, (_, columns, _) in exports.TABLES.items()))


def table_csv(table: exports.Table) -> bytes:
    """The table as CSV (RFC 4180, CRLF line ends), UTF-8 with a byte order mark so spreadsheets read the names."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[column.name for column in table.columns], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table.rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


@router.get("/exports/{filename}", response_class=Response, description=EXPORT_HELP,
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
def download_export(slug: str, session: SessionDep, filename: str = Path(pattern=r"^[a-z]+\.(csv|json)$")) -> Response:
    """A table of the coalition's public record to download: ``results``, ``votes``, ``weights`` or ``power``,
    as ``.csv`` or ``.json``. Exact numbers are decimals ("12.5") or fractions ("1/3"); times are UTC."""
    coalition = coalitions.get_coalition(session, slug)
    name, fmt = filename.rsplit(".", 1)
    table = exports.build_table(session, coalition=coalition, name=name)
    disposition = {"Content-Disposition": f'attachment; filename="{slug}-{name}.{fmt}"'}
    if fmt == "csv":
        return Response(table_csv(table), media_type="text/csv; charset=utf-8", headers=disposition)
    return JSONResponse({"table": table.name, "title": table.title, "columns": [
        {"name": column.name, "meaning": column.meaning} for column in table.columns], "rows": table.rows},
        headers=disposition)
