from django.shortcuts import render

from ppid.selectors import public_bodies


def home(request):
    bodies = public_bodies().select_related("parent")
    return render(request, "home.html", {"bodies": bodies})
