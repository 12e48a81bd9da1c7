"""gunicorn's settings for the web container (Dockerfile, docker-compose.yml: `--config`)."""


def post_worker_init(worker):
    """Once the worker has loaded the app, before its first request: load what that request
    would load and freeze start-up's objects out of the collector's reach (ppid.startup)."""
    from ppid.startup import warm_up

    warm_up()
