from workflow.selectors import tasks_for_user, unread_notice_count


def task_count(request):
    """The "Tugas saya" badge in the header: one COUNT query, lazily evaluated."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"task_count": lambda: tasks_for_user(user).count()}


def notice_count(request):
    """The bell's unread number in the header: one COUNT query, only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread_count": lambda: unread_notice_count(user)}
