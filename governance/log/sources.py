"""Read a log to verify from an export archive (tar.gz or zip), an unpacked folder, or a server's coalition URL.

Standard library only: the offline verifier and the receipt checker load their input with it.
"""

import base64
import binascii
import io
import json
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from functools import partial
from pathlib import Path
from typing import TextIO

from governance.log.verify import VerifyError
from voting.progress import Bar

__all__ = ["ENTRIES_FILE", "PAGE", "TEXTS_FILE", "LogSource", "SourceError", "load_source", "parse_entries_jsonl",
           "parse_texts_jsonl", "progress_bar", "read_archive_bytes"]

ENTRIES_FILE, CHECKPOINT_FILE, KEY_FILE, RULES_FILE = "entries.jsonl", "checkpoint", "key", "RULES.md"
TEXTS_FILE = "texts.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"
"""Every checkpoint signed before the latest, one ``{"size": n, "note": text}`` a line: they name a changed entry."""
PAGE = 1000


class SourceError(ValueError):
    """A source that cannot be read at all: a missing file, an archive without entries, a server that fails."""


@dataclass
class LogSource:
    """A log as downloaded or unpacked: leaf bytes by index, the latest signed checkpoint, the key shipped with it."""

    entries: list[bytes]
    checkpoint: str
    key: str | None
    rules: str | None
    where: str
    texts: list[dict] = field(default_factory=list)  # the texts still published: {"index", "salt", "text"}
    earlier_checkpoints: list[str] = field(default_factory=list)
    fetch_checkpoint: Callable[[int], str | None] | None = None
    """For a log read from its server: the signed checkpoint of a size, None where none was signed."""


def parse_entries_jsonl(lines: Iterable[bytes | str]) -> list[bytes]:
    """Leaf bytes from ``entries.jsonl`` lines ``{"index": i, "leaf": base64}``; indexes must run 0, 1, 2, ...

    >>> parse_entries_jsonl(['{"index":0,"leaf":"e30="}'])
    [b'{}']
    >>> parse_entries_jsonl(['{"index":1,"leaf":"e30="}'])
    Traceback (most recent call last):
    ...
    governance.log.verify.VerifyError: entry 0: line 1 holds entry 1 where entry 0 belongs: an entry is missing, duplicated or out of order
    """
    leaves: list[bytes] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            index, leaf = record["index"], base64.b64decode(record["leaf"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise VerifyError("format", f"line {number} of {ENTRIES_FILE} is not {{\"index\", \"leaf\"}} JSON: "
                                        f"{error}") from None
        if index != len(leaves):
            raise VerifyError("index", f"line {number} holds entry {index!r} where entry {len(leaves)} belongs: "
                                       "an entry is missing, duplicated or out of order", index=len(leaves))
        leaves.append(leaf)
    return leaves


def _from_files(read: Callable[[str], bytes | None], where: str) -> LogSource:
    entries, checkpoint = read(ENTRIES_FILE), read(CHECKPOINT_FILE)
    if entries is None or checkpoint is None:
        raise SourceError(f"{where} has no {ENTRIES_FILE} or no {CHECKPOINT_FILE}; is it a Concord log export?")
    key, rules, texts, earlier = read(KEY_FILE), read(RULES_FILE), read(TEXTS_FILE), read(CHECKPOINTS_FILE)
    return LogSource(parse_entries_jsonl(entries.splitlines()), checkpoint.decode("utf-8"),
                     key.decode("utf-8").strip() if key else None, rules.decode("utf-8") if rules else None, where,
                     texts=parse_texts_jsonl(texts.splitlines()) if texts else [],
                     earlier_checkpoints=_notes(earlier.splitlines()) if earlier else [])


def parse_texts_jsonl(lines: Iterable[bytes | str]) -> list[dict]:
    """The published texts from ``texts.jsonl`` lines ``{"index": i, "salt": s, "text": {...}}``.

    >>> parse_texts_jsonl(['{"index":3,"salt":"00","text":{"text":"Agreed."}}'])
    [{'index': 3, 'salt': '00', 'text': {'text': 'Agreed.'}}]
    """
    texts = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            raise VerifyError("format", f"line {number} of {TEXTS_FILE} is not JSON: {error}") from None
        if not isinstance(record, dict) or record.keys() != {"index", "salt", "text"}:
            raise VerifyError("format", f"line {number} of {TEXTS_FILE} is not {{\"index\", \"salt\", \"text\"}}")
        texts.append(record)
    return texts


def _notes(lines: Iterable[bytes]) -> list[str]:
    """The signed notes of ``checkpoints.jsonl``; a line that is not one is left out (the signature decides)."""
    notes = []
    for line in lines:
        try:
            note = json.loads(line)["note"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(note, str):
            notes.append(note)
    return notes


def _member_reader(names: list[str], open_member: Callable[[str], bytes]) -> Callable[[str], bytes | None]:
    """Find each file at the archive's top or in its one top folder."""
    def read(name: str) -> bytes | None:
        for candidate in names:
            parts = candidate.strip("/").split("/")
            if parts[-1] == name and len(parts) <= 2:
                return open_member(candidate)
        return None
    return read


def _from_archive(path: Path) -> LogSource:
    if not zipfile.is_zipfile(path) and not tarfile.is_tarfile(path):
        raise SourceError(f"{path} is neither a folder, a tar.gz nor a zip archive")
    source = read_archive_bytes(path.read_bytes())
    source.where = str(path)
    return source


def _from_folder(path: Path) -> LogSource:
    def read(name: str) -> bytes | None:
        file = path / name
        return file.read_bytes() if file.is_file() else None
    return _from_files(read, str(path))


def progress_bar(stream: TextIO = sys.stderr) -> Callable[[int, int], None]:
    """A callback ``(done, total)`` drawing ``[#####.....] done/total entries`` on one line of ``stream``."""
    return Bar(stream, unit="entries")


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as error:
        raise SourceError(f"cannot download {url}: {error}") from None


def _download(base: str, progress: Callable[[int, int], None] | None) -> LogSource:
    base = base.rstrip("/")
    checkpoint = _get(f"{base}/log/checkpoint").decode("utf-8")
    lines = checkpoint.split("\n")
    if len(lines) < 2 or not lines[1].isdigit():
        raise SourceError(f"{base}/log/checkpoint is not a signed checkpoint")
    size = int(lines[1])
    key = _get(f"{base}/log/key").decode("utf-8").strip()
    entries: list[bytes] = []
    while len(entries) < size:
        page = json.loads(_get(f"{base}/log/entries?start={len(entries)}&end={min(size, len(entries) + PAGE)}"))
        items = page.get("items") or []
        if not items:
            raise SourceError(f"the server stopped sending entries at {len(entries)} of {size}")
        entries.extend(_page_leaves(items[: size - len(entries)], len(entries)))
        if progress:
            progress(len(entries), size)
    return LogSource(entries, checkpoint, key, None, base, texts=_download_texts(base, size),
                     fetch_checkpoint=partial(_checkpoint_of, base))


def _download_texts(base: str, size: int) -> list[dict]:
    """The texts the server still publishes for the first ``size`` entries (none from a server that has no texts)."""
    try:
        with urllib.request.urlopen(f"{base}/log/texts?size={size}", timeout=60) as response:
            return parse_texts_jsonl(response.read().splitlines())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return []
        raise SourceError(f"cannot download {base}/log/texts: {error}") from None
    except (urllib.error.URLError, OSError) as error:
        raise SourceError(f"cannot download {base}/log/texts: {error}") from None


def _checkpoint_of(base: str, size: int) -> str | None:
    try:
        with urllib.request.urlopen(f"{base}/log/checkpoint/{size}", timeout=60) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise SourceError(f"cannot download {base}/log/checkpoint/{size}: {error}") from None
    except (urllib.error.URLError, OSError) as error:
        raise SourceError(f"cannot download {base}/log/checkpoint/{size}: {error}") from None


def _page_leaves(items: list[dict], start: int) -> list[bytes]:
    leaves = []
    for offset, item in enumerate(items):
        if item.get("index") != start + offset:
            raise VerifyError("index", f"the server sent entry {item.get('index')!r} where entry {start + offset} "
                                       "belongs", index=start + offset)
        try:
            leaves.append(base64.b64decode(item["leaf"], validate=True))
        except (KeyError, TypeError, binascii.Error):
            raise VerifyError("format", "the server sent a leaf that is not base64", index=start + offset) from None
    return leaves


def load_source(source: str, progress: Callable[[int, int], None] | None = None) -> LogSource:
    """The log at ``source``: an ``http(s)://`` coalition URL (downloaded page by page), a folder or an archive."""
    if source.startswith(("http://", "https://")):
        return _download(source, progress)
    path = Path(source)
    if path.is_dir():
        return _from_folder(path)
    if path.is_file():
        return _from_archive(path)
    raise SourceError(f"{source} is not a file, a folder or an http(s) URL")


def read_archive_bytes(data: bytes) -> LogSource:
    """A log from an export archive held in memory (tar.gz or zip)."""
    try:
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return _from_files(_member_reader(archive.namelist(), archive.read), "archive")
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            members = {member.name: member for member in archive.getmembers() if member.isfile()}
            return _from_files(_member_reader(list(members), lambda name: archive.extractfile(members[name]).read()),
                               "archive")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as error:
        raise SourceError(f"the archive cannot be read: {error}") from None
