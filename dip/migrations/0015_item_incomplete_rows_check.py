"""A partial index of each body's incomplete items (issue 15): a submit asks whether one of
them (or an exempted item) is a row of the DIP, instead of reading its thousands of rows."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dip', '0014_public_search'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('title', ''), ('summary', ''), ('holding_unit', ''), ('responsible', ''), ('produced_at__isnull', True), ('produced_place', ''), ('form', ''), ('retention', ''), models.Q(('classification', 'dikecualikan'), models.Q(('exemption_ground', ''), ('consequence_if_opened', ''), ('consequence_if_closed', ''), ('public_interest', ''), models.Q(('exemption_ground__in', ['j', 'other']), ('exemption_law', '')), models.Q(('exemption_event', ''), ('exemption_permanent', False), ('exemption_until__isnull', True)), _connector='OR')), _connector='OR'), fields=['body'], name='item_incomplete'),
        ),
    ]
