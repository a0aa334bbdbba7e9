"""When the root fails, the verifier names the first entry that differs from what the earlier checkpoints signed."""

import base64
import json
import random
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from governance.log.append_only import drop_statements

from governance.log.canonical import canonical_bytes
from governance.log.merkle import leaf_hash
from governance.log.notes import format_checkpoint, generate_signer_key, sign_note
from governance.log.tree import MemoryNodeStore, root_from_store
from governance.log.verify import VerifyError, verify_log
from governance.log.verify_cli import main as verify_main
from governance.models import metadata
from tests.factories import make_coalition, make_proposal, open_ballot, vote
from tests.ports import free_port

ORIGIN = "concord.test/big"


def signed_log(size: int, batches: random.Random | None = None) -> tuple[list[bytes], list[str], str]:
    """``size`` entries and a checkpoint signed after each append (of one entry, or of 1 to 4 with ``batches``)."""
    signer, verifier = generate_signer_key(ORIGIN)
    entries = [canonical_bytes({"v": 1, "log": "big", "idx": i, "ts": 1_700_000_000_000 + i, "type": "note.added",
                                "body": {"text": f"entry number {i}"}}) for i in range(size)]
    store, notes, done = MemoryNodeStore(), [], 0
    while done < size:
        step = min(size - done, batches.randint(1, 4) if batches else 1)
        for data in entries[done:done + step]:
            store.append(leaf_hash(data))
        done += step
        notes.append(sign_note(format_checkpoint(ORIGIN, done, root_from_store(done, store)), signer))
    return entries, notes, verifier


def edited(entries: list[bytes], index: int) -> list[bytes]:
    """The log with entry ``index``'s text changed, still canonical JSON with the right index, log and time."""
    event = json.loads(entries[index])
    event["body"]["text"] = event["body"]["text"].replace("entry", "ENTRY")
    return [*entries[:index], canonical_bytes(event), *entries[index + 1:]]


def test_one_random_edited_entry_of_a_large_log_is_named() -> None:
    entries, notes, key = signed_log(20_000)
    chooser = random.Random(15)

    for index in [chooser.randrange(len(entries)) for _ in range(5)] + [0, len(entries) - 1]:
        with pytest.raises(VerifyError) as caught:
            verify_log(edited(entries, index), notes[-1], key, earlier_checkpoints=notes[:-1])

        assert caught.value.kind == "root"
        assert caught.value.index == index, caught.value


def test_entries_appended_together_are_named_as_the_range_of_their_append() -> None:
    entries, notes, key = signed_log(3_000, batches=random.Random(2))
    signed = sorted(int(note.split("\n")[1]) for note in notes)
    index = random.Random(7).randrange(len(entries))
    before = max([size for size in signed if size <= index], default=0)
    after = min(size for size in signed if size > index)

    with pytest.raises(VerifyError) as caught:
        verify_log(edited(entries, index), notes[-1], key, earlier_checkpoints=notes[:-1])

    expected = f"entries {before} to {after - 1}" if after - before > 1 else None
    assert caught.value.index == (index if expected is None else None)
    assert expected is None or expected in str(caught.value)


def test_checkpoints_that_do_not_verify_are_ignored() -> None:
    entries, notes, key = signed_log(500)
    forged = [note.replace("— concord.test/big ", "— concord.test/big A") for note in notes[:-1]]

    with pytest.raises(VerifyError) as untouched:  # a made-up log: its events do not replay, but its root holds
        verify_log(entries, notes[-1], key, earlier_checkpoints=notes[:-1])
    with pytest.raises(VerifyError) as caught:
        verify_log(edited(entries, 123), notes[-1], key, earlier_checkpoints=forged + notes[100:130])

    assert untouched.value.kind == "replay"
    assert caught.value.kind == "root" and caught.value.index == 123  # sizes 123 and 124 among the genuine ones


def test_concord_verify_names_the_edited_entry_of_an_exported_log(history, tmp_path: Path, capsys) -> None:
    entries = list(history.source.entries)
    chooser = random.Random(8)
    casts = [i for i, data in enumerate(entries) if b'"type":"vote.cast"' in data]
    index = chooser.choice(casts)
    event = json.loads(entries[index])
    event["body"]["commitment"] = event["body"]["commitment"][::-1]  # still 64 hex digits
    entries[index] = canonical_bytes(event)
    folder = tmp_path / "tampered"
    folder.mkdir()
    (folder / "entries.jsonl").write_text("".join(
        json.dumps({"index": i, "leaf": base64.b64encode(e).decode()}) + "\n" for i, e in enumerate(entries)))
    (folder / "checkpoint").write_text(history.source.checkpoint)
    (folder / "checkpoints.jsonl").write_text("".join(
        json.dumps({"size": size, "note": note}) + "\n" for size, note in sorted(history.checkpoints.items())
        if size < len(entries)))

    code = verify_main([str(folder), "--key", history.key])

    assert code == 1
    assert f"FAILED (root) entry {index}: " in capsys.readouterr().out


def test_the_export_holds_every_earlier_checkpoint(history) -> None:
    sizes = sorted(int(note.split("\n")[1]) for note in history.source.earlier_checkpoints)

    assert sizes == sorted(size for size in history.checkpoints if size < len(history.source.entries))


def test_concord_verify_of_a_servers_log_fetches_checkpoints_to_name_the_changed_entry(tmp_path: Path, capsys) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'concord.db'}")
    metadata.create_all(engine)
    app = create_app(engine, settings=Settings(key_dir=tmp_path / "keys", log_host="concord.test"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            fixture = make_coalition(client, members={"north": 1, "south": 1, "east": 1})
            number = make_proposal(client, fixture)
            open_ballot(client, fixture, number, now=datetime.now(UTC))
            for member in ("north", "south", "east"):
                vote(client, fixture, number, member, choice="yes")
            key = client.get(fixture.url("/log/key")).text.strip()
        with engine.begin() as connection:  # an operator with the database edits one vote afterwards
            for statement in drop_statements("sqlite", "log_entry"):
                connection.exec_driver_sql(statement)
            index, data = connection.execute(text(
                "SELECT idx, data FROM log_entry WHERE type = 'vote.cast' ORDER BY idx LIMIT 1 OFFSET 1")).one()
            event = json.loads(data)
            event["body"]["commitment"] = event["body"]["commitment"][::-1]
            connection.execute(text("UPDATE log_entry SET data = :data WHERE idx = :idx"),
                               {"data": canonical_bytes(event), "idx": index})

        code = verify_main([f"{base}/api/v1/coalitions/wpn", "--key", key])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()

    assert code == 1
    assert f"FAILED (root) entry {index}: " in capsys.readouterr().out
