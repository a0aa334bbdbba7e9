"""Each coalition log's Ed25519 signing key, kept in files outside the database, created on first use."""

import os
import threading
from pathlib import Path

from governance.log.store import LogSigner


class LogKeys:
    """Signer keys in ``key_dir/<slug>.key`` (mode 0600); the origin of a log is ``<host>/<slug>``."""

    def __init__(self, key_dir: Path, host: str) -> None:
        self.key_dir, self.host = Path(key_dir), host
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def origin(self, slug: str) -> str:
        return f"{self.host}/{slug}"

    def signer_key(self, slug: str) -> str:
        from governance.log.notes import generate_signer_key

        with self._lock:
            if slug in self._cache:
                return self._cache[slug]
            path = self.key_dir / f"{slug}.key"
            if not path.exists():
                self.key_dir.mkdir(parents=True, exist_ok=True)
                signer, _ = generate_signer_key(self.origin(slug))
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    with os.fdopen(descriptor, "w") as handle:
                        handle.write(signer + "\n")
                except FileExistsError:
                    pass
            key = path.read_text().strip()
            self._cache[slug] = key
            return key

    def verifier_key(self, slug: str) -> str:
        from governance.log.notes import verifier_key_from_signer

        return verifier_key_from_signer(self.signer_key(slug))

    def sign_checkpoint(self, slug: str, size: int, root: bytes) -> str:
        from governance.log.notes import format_checkpoint, sign_note

        return sign_note(format_checkpoint(self.origin(slug), size, root), self.signer_key(slug))

    def signer(self) -> LogSigner:
        return LogSigner(sign=self.sign_checkpoint)
