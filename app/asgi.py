"""The ASGI application for ``uvicorn app.asgi:app``."""

import gc

from app.main import create_app
from app.settings import get_settings

app = create_app(worker=get_settings().worker_in_server)
# Everything made so far (modules, classes, the app) lives as long as the process: keep it out of the cyclic garbage
# collector's full passes, which otherwise stop a busy worker for about 100 ms every few seconds (measured under
# bench/load.py: 85 to 124 ms each; 10 to 17 ms once frozen).
gc.freeze()
