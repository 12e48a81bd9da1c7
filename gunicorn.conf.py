"""gunicorn's settings for the web container (Dockerfile, docker-compose.yml: `--config`)."""

import gc
from importlib import import_module


def post_worker_init(worker):
    """Once the worker has loaded the app: load the URLconf too, then move everything start-up
    built (modules, models, URL patterns: a quarter of a million objects) out of the cyclic
    collector's reach with gc.freeze(). A full (generation 2) collection otherwise walks all of
    them in the middle of a request: 60-120 ms measured with gc.callbacks, against 15-20 ms
    once they are frozen (issue 15, benchmarks/scale.py does the same)."""
    from django.conf import settings

    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
