"""``concord export SLUG`` writes, from the configured database, an archive that ``concord verify`` accepts."""

import pytest

from app.export_cli import main as export_main
from app.settings import get_settings
from governance.log.verify_cli import main as verify_main


@pytest.fixture
def configured(history, monkeypatch):
    monkeypatch.setenv("CONCORD_DATABASE_URL", f"sqlite:///{history.database}")
    monkeypatch.setenv("CONCORD_KEY_DIR", str(history.app.state.settings.key_dir))
    monkeypatch.setenv("CONCORD_LOG_HOST", "concord.test")
    get_settings.cache_clear()
    yield history
    get_settings.cache_clear()


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_an_exported_archive_verifies_with_the_published_key(configured, tmp_path, capsys, fmt):
    path = tmp_path / f"wpn.{fmt}"

    exported = export_main(["wpn", "-o", str(path), "--format", fmt])
    verified = verify_main([str(path), "--key", configured.key])

    out = capsys.readouterr().out
    assert (exported, verified) == (0, 0), out
    assert f"wrote {path}: {len(configured.source.entries)} entries" in out
    assert "14 ballots recounted" in out


def test_exporting_an_unknown_coalition_says_so(configured, tmp_path, capsys):
    assert export_main(["nowhere", "-o", str(tmp_path / "x.tar.gz")]) == 1
    assert "no coalition 'nowhere'" in capsys.readouterr().err
