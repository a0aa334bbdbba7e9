"""Build a coalition log's export archive from the database: entries, latest and earlier checkpoints, verifier key,
RULES.md."""

import base64
import io
import json
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session, select

from governance import coalitions, rules, texts
from governance.log.canonical import canonical_bytes
from governance.errors import NotFound, RuleViolation
from governance.log.store import EVENT_VERSION
from governance.log.verify import COUNTING_RULES_VERSION
from governance.models import Checkpoint, Coalition, LogEntry

__all__ = ["FORMATS", "ExportArchive", "build_export", "checkpoints_jsonl", "entries_jsonl", "latest_checkpoint",
           "rules_markdown", "texts_jsonl"]

FORMATS = {"tar.gz": "application/gzip", "zip": "application/zip"}
BATCH = 5000


@dataclass(frozen=True)
class ExportArchive:
    """An export ready to send or save: its file name, media type, bytes and the size it covers."""

    filename: str
    media_type: str
    content: bytes
    size: int


def latest_checkpoint(session: Session, coalition: Coalition) -> Checkpoint:
    """The newest signed checkpoint of the coalition's log; NotFound when nothing is signed yet."""
    checkpoint = session.exec(select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
                              .order_by(Checkpoint.size.desc()).limit(1)).first()
    if checkpoint is None:
        raise NotFound("The log of %(coalition)s has no signed checkpoint yet.", coalition=coalition.name)
    return checkpoint


def entries_jsonl(session: Session, coalition: Coalition, size: int) -> Iterator[bytes]:
    """One line ``{"index":i,"leaf":"<base64>"}`` per entry below ``size``, read in batches."""
    start = 0
    while start < size:
        rows = session.exec(select(LogEntry.idx, LogEntry.data).where(
            LogEntry.coalition_id == coalition.id, LogEntry.idx >= start, LogEntry.idx < min(size, start + BATCH))
            .order_by(LogEntry.idx)).all()
        if not rows:
            return
        for idx, data in rows:
            yield b'{"index":%d,"leaf":"%s"}\n' % (idx, base64.b64encode(data))
        start = rows[-1][0] + 1


def texts_jsonl(session: Session, coalition: Coalition, size: int) -> Iterator[bytes]:
    """One line ``{"index":i,"salt":s,"text":{...}}`` per text still published whose commitment is in entry ``i``
    (comments, amendments, moderators' reasons); an erased text is left out, its commitment stays in the log."""
    for text in texts.published_texts(session, coalition=coalition, size=size):
        yield canonical_bytes({"index": text.log_idx, "salt": text.salt, "text": text.content}) + b"\n"

def checkpoints_jsonl(session: Session, coalition: Coalition, size: int) -> Iterator[bytes]:
    """One line ``{"size":n,"note":"<signed note>"}`` per checkpoint signed before the one of ``size``, oldest first:
    with them the verifier names the first entry that differs from what was signed (``blame``)."""
    after = 0
    while True:
        rows = session.exec(select(Checkpoint.size, Checkpoint.note).where(
            Checkpoint.coalition_id == coalition.id, Checkpoint.size > after, Checkpoint.size < size)
            .order_by(Checkpoint.size).limit(BATCH)).all()
        for found, note in rows:
            yield json.dumps({"size": found, "note": note}, separators=(",", ":")).encode() + b"\n"
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def rules_markdown(session: Session, coalition: Coalition, size: int) -> str:
    """RULES.md: the counting rules version, how entries and checkpoints are built, the coalition's rules now."""
    current = coalitions.get_rules(session, coalition)
    lines = [
        f"# How the log of {coalition.name} is counted and verified", "",
        f"Counting rules version: {COUNTING_RULES_VERSION}", f"Event format version: {EVENT_VERSION}",
        f"Entries in this export: {size}", "",
        "Each entry is one event in canonical JSON (sorted keys, no spaces, UTF-8, integers only) with the keys",
        "`v`, `log`, `idx`, `ts`, `type`, `body`. The tree is RFC 9162 (leaf hash SHA-256(0x00 || entry),",
        "node hash SHA-256(0x01 || left || right)); `checkpoint` is a C2SP tlog-checkpoint signed as a C2SP",
        "signed note with the Ed25519 key in `key`.", "",
        f"Counting ({COUNTING_RULES_VERSION}): every ballot is counted when it closes from the rule, eligible",
        "members and weights frozen in its `ballot.opened` event, and the last `vote.cast` of each member before",
        "its `ballot.closed` event. Numbers are exact fractions; a tie fails a yes/no decision; ties in",
        "multi-option methods are broken by lot seeded with the first 16 hex digits of the leaf hash of the",
        "`ballot.opened` entry. The recorded result must equal the recount exactly.", "",
        "`texts.jsonl` holds the texts still published (comments, amendments, moderators' reasons): each line's",
        "SHA-256 of canonical {\"salt\", \"text\"} must be the `commitment` of entry `index`; an erased text is",
        "absent.", "",
        "Member keys are Ed25519 public keys registered by `key.registered` (its `key_id` the hex SHA-256 of the",
        "raw key) and ended by `key.revoked`. A signed `vote.cast` carries `key_id`, `seq` and `signature`: the",
        "member's active voting key signs the UTF-8 lines `concord-vote/v1`, `origin <name of the log key in",
        "entry 0>`, `proposal <n>`, `ballot <index of its ballot.opened entry>`, `commitment <hex>`, `seq <n>`,",
        "each ending in a newline; `seq` must exceed the member's last signed one. Where the charter's",
        "`signed_votes` covers the kind, `ballot.opened` says `\"signed_votes\": true` and every vote must be signed.", "",
        "Verify: `concord verify <this archive> --key <the key obtained independently>`.", "",
        "## Rules in force when exported", "",
    ]
    lines += [f"- **{kind}**: {rules.describe_rule(rule)}" for kind, rule in sorted(current.items())]
    return "\n".join(lines) + "\n"


def _pack(fmt: str, folder: str, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    if fmt == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(f"{folder}/{name}", content)
        return buffer.getvalue()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size, info.mtime, info.mode = len(content), int(time.time()), 0o644
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def build_export(session: Session, *, coalition: Coalition, verifier_key: str, fmt: str = "tar.gz") -> ExportArchive:
    """The export archive of the log up to its latest signed checkpoint (read first, so entries match it)."""
    if fmt not in FORMATS:
        raise RuleViolation("format must be one of %(formats)s; got %(format)s.", formats=", ".join(FORMATS),
                            format=repr(fmt))
    checkpoint = latest_checkpoint(session, coalition)
    folder = f"{coalition.slug}-log-{checkpoint.size}"
    files = {
        "entries.jsonl": b"".join(entries_jsonl(session, coalition, checkpoint.size)),
        "checkpoint": checkpoint.note.encode("utf-8"),
        "checkpoints.jsonl": b"".join(checkpoints_jsonl(session, coalition, checkpoint.size)),
        "key": (verifier_key + "\n").encode("utf-8"),
        "RULES.md": rules_markdown(session, coalition, checkpoint.size).encode("utf-8"),
        "texts.jsonl": b"".join(texts_jsonl(session, coalition, checkpoint.size)),
    }
    return ExportArchive(f"{folder}.{fmt}", FORMATS[fmt], _pack(fmt, folder, files), checkpoint.size)
