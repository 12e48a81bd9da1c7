"""The bell: the officer's own notices, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from workflow.models import Notice
from workflow.selectors import notices_for_user, unread_notice_count
from workflow.services import notices

PAGE_SIZE = 20


def _htmx_partial(request: HttpRequest) -> bool:
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != (
        "true"
    )


@login_required
def notice_list(request):
    page = Paginator(notices_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "workflow/_notice_list.html" if _htmx_partial(request) else "workflow/notices.html"
    response = render(request, template, {"page": page, "page_param": "page"})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def notice_open(request, pk: int):
    """Mark the notice read and go to its task. Someone else's notice is 404."""
    try:
        notice = notices.notice_read(notice_id=pk, user=request.user)
    except Notice.DoesNotExist:
        raise Http404 from None
    if notice.url and url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.url)
    return redirect("workflow:notices")


@login_required
def notices_read_all(request):
    """GET asks for confirmation; POST marks every unread notice of the user read."""
    if request.method == "POST":
        count = notices.notices_read_all(user=request.user)
        messages.success(
            request,
            ngettext("%(n)d notice marked as read.", "%(n)d notices marked as read.", count)
            % {"n": count},
        )
        return redirect("workflow:notices")
    return render(
        request, "workflow/notices_read_all.html", {"unread": unread_notice_count(request.user)}
    )
