"""Fixtures of the tests that run real Celery processes."""

from __future__ import annotations

import pytest

from ppid.celery import app as celery_app


def _reset_pools() -> None:
    """Make the app look up its pools again for the broker now configured. (kombu keeps one
    pool per broker URL process-wide, so they are dropped here, never closed.)"""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_conf():
    """Change the test process's Celery app; everything is restored afterwards."""
    keys = ("task_always_eager", "broker_url", "broker_transport_options", "task_default_queue")
    saved = {key: celery_app.conf[key] for key in keys}

    def apply(**values):
        for key, value in values.items():
            celery_app.conf[key] = value
        _reset_pools()

    yield apply
    apply(**saved)
