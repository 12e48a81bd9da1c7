from io import StringIO

import pytest

from dip.models import Edition, Item
from ppid.models import Body
from workflow.models import Sop


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_complete(seeded):
    from django.core.management import call_command

    call_command("seed_demo", password="x", stdout=StringIO())
    counts = (
        Body.objects.count(),
        Item.objects.count(),
        Sop.objects.count(),
        Edition.objects.count(),
    )
    call_command("seed_demo", password="x", stdout=StringIO())
    assert counts == (
        Body.objects.count(),
        Item.objects.count(),
        Sop.objects.count(),
        Edition.objects.count(),
    )
    assert set(Body.objects.values_list("slug", flat=True)) >= {
        "dinsos-p3a-kapuas-hulu",
        "disdukcapil-kalbar",
        "disdukcapil-kubu-raya",
    }
    assert Edition.objects.filter(state="published").count() == 3
