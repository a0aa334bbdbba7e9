"""``concord verify`` and ``concord verify-receipt`` on archives, folders and a live server, without the service."""

import base64
import json
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app.db import read_session
from governance import receipts
from governance.log.canonical import canonical_bytes, is_canonical
from governance.log.receipt_cli import main as verify_receipt_main
from governance.log.verify import VerifyError, decode_event, verify_log
from governance.log.verify_cli import main as verify_main
from governance.models import Coalition
from tests.log.history import jsonl, resign

ROOT = Path(__file__).resolve().parents[2]
BLOCKER = """
import importlib.abc, sys
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("sqlmodel", "fastapi", "sqlalchemy", "starlette", "pydantic"):
            raise ImportError(f"{name} is blocked: the verifier must not need it")
sys.meta_path.insert(0, Blocker())
try:
    import sqlmodel
except ImportError:
    pass
else:
    raise SystemExit("the blocker does not work")
"""


@pytest.fixture
def archive(history, tmp_path: Path) -> Path:
    path = tmp_path / "wpn.tar.gz"
    path.write_bytes(history.archive)
    return path


def test_verify_prints_a_summary_and_warns_that_a_shipped_key_proves_nothing(archive, capsys):
    code = verify_main([str(archive)])

    out, err = capsys.readouterr()
    assert code == 0, out
    assert "OK concord.test/wpn" in out and "14 ballots recounted" in out and "13 members" in out
    assert "proves nothing unless you compare it" in err


def test_verify_reads_an_unpacked_folder_with_the_key_given_as_a_file(history, archive, tmp_path, capsys):
    with tarfile.open(archive) as packed:
        packed.extractall(tmp_path / "unpacked", filter="data")
    key_file = tmp_path / "published.key"
    key_file.write_text(history.key + "\n")
    folder = next((tmp_path / "unpacked").iterdir())

    code = verify_main([str(folder), "--key", str(key_file)])

    out, err = capsys.readouterr()
    assert code == 0 and "OK" in out and "proves nothing" not in err


def test_verify_fails_with_exit_1_naming_the_signature_when_the_key_is_another(archive, capsys):
    from governance.log.notes import generate_signer_key

    _, other = generate_signer_key("concord.test/wpn")

    code = verify_main([str(archive), "--key", other])

    assert code == 1
    assert "FAILED (signature)" in capsys.readouterr().out


def test_verify_since_an_earlier_checkpoint_proves_consistency(history, archive, tmp_path, capsys):
    earlier = tmp_path / "seen.checkpoint"
    earlier.write_text(history.checkpoints[100])

    code = verify_main([str(archive), "--since", str(earlier), "--key", history.key])

    assert code == 0
    assert "consistent with the earlier checkpoint" in capsys.readouterr().out


def test_verify_since_prints_both_signed_checkpoints_of_a_forked_history(history, tmp_path, capsys):
    entries = list(history.source.entries)
    event = decode_event(entries[50])
    event["body"]["note"] = "rewritten after the fact"
    entries[50] = canonical_bytes(event)
    folder = tmp_path / "forked"
    folder.mkdir()
    (folder / "entries.jsonl").write_text("\n".join(jsonl(entries)))
    forged = resign(entries, history.signer_key, "concord.test/wpn")
    (folder / "checkpoint").write_text(forged)
    earlier = tmp_path / "seen.checkpoint"
    earlier.write_text(history.checkpoints[200])

    code = verify_main([str(folder), "--since", str(earlier), "--key", history.key])

    out = capsys.readouterr().out
    assert code == 1 and "FAILED (fork)" in out
    assert history.checkpoints[200] in out and forged in out


def test_the_verifier_runs_where_sqlmodel_and_fastapi_cannot_be_imported(archive, history):
    script = BLOCKER + f"from governance.log.verify_cli import main\nraise SystemExit(main([{str(archive)!r}]))\n"

    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "14 ballots recounted" in done.stdout


def test_the_receipt_checker_runs_where_sqlmodel_and_fastapi_cannot_be_imported(history, tmp_path):
    receipt = _receipt(history, _votes(history)[0][1], tmp_path)
    script = BLOCKER + ("from governance.log.receipt_cli import main\n"
                        f"raise SystemExit(main([{str(receipt)!r}, '--key', {history.key!r}]))\n")

    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)

    assert done.returncode == 0, done.stdout + done.stderr


def _votes(history) -> list[tuple[int, int]]:
    """(superseded cast, the member's last cast) pairs of the history."""
    state = verify_log(history.source.entries, history.source.checkpoint, history.key).state
    pairs = []
    for index, data in enumerate(history.source.entries):
        event = decode_event(data)
        if event["type"] == "vote.cast":
            last = state.ballots[event["body"]["number"]].votes[event["body"]["member"]].idx
            if last != index:
                pairs.append((index, last))
    return pairs


def _receipt(history, index: int, folder: Path) -> Path:
    with read_session(history.engine) as session:
        coalition = session.exec(select(Coalition)).one()
        text = receipts.receipt_for(session, coalition=coalition, index=index)
    path = folder / f"receipt-{index}.txt"
    path.write_text(text)
    return path


def test_a_receipt_says_whether_the_vote_counted_or_was_superseded(history, archive, tmp_path, capsys):
    superseded, counted = _votes(history)[0]

    codes = [verify_receipt_main([str(_receipt(history, index, tmp_path)), "--key", history.key,
                                  "--log", str(archive)]) for index in (superseded, counted)]

    out = capsys.readouterr().out
    assert codes == [0, 0]
    assert "SUPERSEDED: " in out and f"later vote at entry {counted}" in out
    assert f"COUNTED: entry {counted} is" in out


def test_a_receipt_with_a_changed_entry_fails(history, tmp_path, capsys):
    path = _receipt(history, _votes(history)[0][1], tmp_path)
    text = path.read_text()
    lines = text.split("\n")
    entry = base64.b64decode(lines[1].removeprefix("extra "))
    lines[1] = "extra " + base64.b64encode(entry.replace(b'"member":"', b'"member":"x', 1)).decode()
    path.write_text("\n".join(lines))

    code = verify_receipt_main([str(path), "--key", history.key])

    assert code == 1 and "FAILED" in capsys.readouterr().out


def test_verify_downloads_a_live_servers_log_page_by_page_with_a_progress_bar(history, capsys, monkeypatch):
    from governance.log import sources

    monkeypatch.setattr(sources, "PAGE", 64)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar is drawn for a person at a terminal
    server = uvicorn.Server(uvicorn.Config(history.app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]

        code = verify_main([f"http://127.0.0.1:{port}/api/v1/coalitions/wpn", "--key", history.key])
    finally:
        server.should_exit = True
        thread.join(timeout=30)

    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert f"{len(history.source.entries):,}/{len(history.source.entries):,} entries" in err and "[####" in err


def test_verify_of_a_missing_source_exits_2(tmp_path, capsys):
    assert verify_main([str(tmp_path / "nothing.tar.gz")]) == 2
    assert "not a file" in capsys.readouterr().err


def test_a_leaf_that_is_not_canonical_is_named(history):
    entries = list(history.source.entries)
    entries[7] = entries[7].replace(b'{"body":', b'{ "body":', 1)

    with pytest.raises(VerifyError) as caught:
        verify_log(entries, history.source.checkpoint, history.key)

    assert (caught.value.kind, caught.value.index) == ("canonical", 7)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=False),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                       max_size=3), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(body=JSON_VALUES, spacing=st.sampled_from(["", " "]), sort=st.booleans(), ascii_only=st.booleans())
def test_the_fast_canonical_check_agrees_with_the_canonical_module(body, spacing, sort, ascii_only):
    event = {"v": 1, "log": "c", "idx": 0, "ts": 1, "type": "t", "body": body}
    data = json.dumps(event, sort_keys=sort, separators=("," + spacing, ":" + spacing),
                      ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")

    try:
        decode_event(data)
        fast = True
    except ValueError:
        fast = False

    assert fast == is_canonical(data)
