"""The ceiling for the public page benchmark: a WSGI app that returns the same bytes.

With BENCH_HEADERS_FILE (a JSON list of [name, value], as the app sent them), it answers with
those headers; without, with the body's type and length only (the bare ceiling)."""

import json
import os
from pathlib import Path

BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
if os.environ.get("BENCH_HEADERS_FILE"):
    HEADERS = [tuple(h) for h in json.loads(Path(os.environ["BENCH_HEADERS_FILE"]).read_text())]
else:
    HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
