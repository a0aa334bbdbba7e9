"""concord verify shows its progress on standard error to a person at a terminal, and only then."""

import sys
from pathlib import Path

from governance.log import verify
from governance.log.verify import verify_log
from governance.log.verify_cli import main as verify_main


def test_reading_in_parts_reports_progress_and_verifies_the_same(history, monkeypatch) -> None:
    monkeypatch.setattr(verify, "PROGRESS_STEP", 50)
    seen: list[tuple[int, int]] = []
    entries = history.source.entries

    parts = verify_log(entries, history.source.checkpoint, history.key, progress=lambda *done: seen.append(done))
    whole = verify_log(entries, history.source.checkpoint, history.key)

    assert parts.summary() == whole.summary() and parts.leaf_hashes == whole.leaf_hashes
    assert seen[-1] == (len(entries), len(entries)) and len(seen) == -(-len(entries) // 50)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_the_bar_is_drawn_for_a_terminal_and_not_into_a_file(history, tmp_path: Path, capsys, monkeypatch) -> None:
    archive = tmp_path / "log.tar.gz"
    archive.write_bytes(history.archive)

    assert verify_main([str(archive), "--key", history.key]) == 0
    piped = capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert verify_main([str(archive), "--key", history.key]) == 0
    watched = capsys.readouterr().err

    assert "entries" not in piped
    assert f"{len(history.source.entries):,}/{len(history.source.entries):,} entries" in watched
