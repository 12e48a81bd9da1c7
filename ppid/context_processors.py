from ppid.permissions import may_manage_people, may_view_audit


def account_menu(request):
    """Which account links the header shows (the pages check again): evaluated lazily, with
    one query for both, and never for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_manage_people": lambda: may_manage_people(user),
        "may_view_audit": lambda: may_view_audit(user),
    }
