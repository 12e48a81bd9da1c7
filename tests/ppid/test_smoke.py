from io import StringIO

import pytest

from dip.models import Edition, Item
from ppid.models import Body
from workflow.models import InformationRequest, Objection, Sop


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_complete(seeded):
    from django.core.management import call_command

    call_command("seed_demo", password="x", stdout=StringIO())
    counts = (
        Body.objects.count(),
        Item.objects.count(),
        Sop.objects.count(),
        Edition.objects.count(),
        InformationRequest.objects.count(),
        Objection.objects.count(),
    )
    call_command("seed_demo", password="x", stdout=StringIO())
    assert counts == (
        Body.objects.count(),
        Item.objects.count(),
        Sop.objects.count(),
        Edition.objects.count(),
        InformationRequest.objects.count(),
        Objection.objects.count(),
    )
    assert set(Body.objects.values_list("slug", flat=True)) >= {
        "dinsos-p3a-kapuas-hulu",
        "disdukcapil-kalbar",
        "disdukcapil-kubu-raya",
    }
    assert Edition.objects.filter(state="published").count() == 3
    # The demo's requests for information at Dinsos P3A Kapuas Hulu, made by the services:
    # one waiting, one extended, one granted with an objection to it (the second run adds none).
    requests = InformationRequest.objects.filter(body__slug="dinsos-p3a-kapuas-hulu")
    assert sorted(requests.values_list("status", flat=True)) == ["extended", "granted", "received"]
    assert requests.order_by("number").first().register_number.startswith("1/")
    (objection,) = Objection.objects.filter(request__body__slug="dinsos-p3a-kapuas-hulu")
    assert objection.request.status == "granted" and objection.ground == "d"
