"""`python -m tests.slow_worker -A ppid worker ...`: the celery program, with the document
rendering made slow once, so that a test can kill the worker in the middle of it.

PPID_TEST_RENDER_DELAY (seconds) and PPID_TEST_RENDER_MARKER (a file path): the first
rendering, in whichever process, writes its process id into the marker and sleeps that long
before it renders; while the marker exists, rendering is as fast as usual (the redelivered task
in the next worker).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django


def _slow_once() -> None:
    from dip import rendering

    delay = float(os.environ.get("PPID_TEST_RENDER_DELAY", "0"))
    marker = Path(os.environ.get("PPID_TEST_RENDER_MARKER", ""))
    if not delay or not marker.name:
        return
    render = rendering.render_edition_pdf

    def slow(edition):
        try:
            with marker.open("x") as out:  # exactly one process gets to create it
                out.write(str(os.getpid()))
        except FileExistsError:
            return render(edition)
        time.sleep(delay)  # killed in here
        return render(edition)

    rendering.render_edition_pdf = slow


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")
    django.setup()
    _slow_once()
    from celery.__main__ import main

    sys.argv[0] = "celery"
    sys.exit(main())
