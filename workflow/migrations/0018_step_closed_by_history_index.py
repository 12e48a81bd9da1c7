"""An index of the steps by what closed them (issue 15): an edition's history finds the step
each transition closed with one probe per entry, not by reading every step of the edition
per entry (14 ms for an edition with 88 transitions, 1 ms with it)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0017_requester_mail_once'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='step',
            index=models.Index(fields=['edition', 'stage', 'transition', 'finished_at', 'id'], name='step_closed_by'),
        ),
    ]
