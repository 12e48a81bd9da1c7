from workflow.selectors import tasks_for_user


def task_count(request):
    """The "Tugas saya" badge in the header: one COUNT query, lazily evaluated."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"task_count": lambda: tasks_for_user(user).count()}
