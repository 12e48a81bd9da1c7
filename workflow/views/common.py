from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from dip.models import Edition
from ppid.models import Body
from ppid.selectors import bodies_for_user
from workflow.selectors import editions_with_clock


def get_body(request: HttpRequest, slug: str) -> Body:
    """A body where the user holds a role; any other is 404 so that slugs do not leak."""
    return get_object_or_404(bodies_for_user(request.user), slug=slug)


def get_edition(request: HttpRequest, pk: int) -> Edition:
    return get_object_or_404(editions_with_clock(request.user), pk=pk)
