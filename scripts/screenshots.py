"""README screenshots of the demo's log and power pages: builds the demo in a temporary folder, serves it on a free
loopback port and photographs the pages with Playwright and Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]
"""

import argparse
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from app import demo
from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
SHOTS = [  # file name, page, language, viewport width, height shown
    ("log.png", "/c/wpn/log", "en", 1280, 1100),
    ("power.png", "/c/wpn/power", "en", 1280, 1500),
    ("log-ar-phone.png", "/c/wpn/log", "ar", 390, 1400),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]


def serve(folder: Path) -> tuple[str, uvicorn.Server, threading.Thread]:
    settings = Settings(database_url=f"sqlite:///{folder / 'concord.db'}", key_dir=folder / "keys",
                        log_host="concord.localhost")
    demo.run(settings)
    app = create_app(make_engine(settings.database_url), settings=settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        base, server, thread = serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
                for name, path, locale, width, height in SHOTS:
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  extra_http_headers={"Accept-Language": locale})
                    page = context.new_page()
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if path.endswith("/log"):  # open one entry's technical view, as a reader would
                        page.locator("details summary").first.click()
                    page.screenshot(path=str(args.out / name))
                    context.close()
                    print(args.out / name)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main()
