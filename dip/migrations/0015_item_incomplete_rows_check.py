"""Partial indexes of each body's incomplete and exempted items, by id (issue 15): a DIP's
submit asks whether one of them is a row of it, instead of reading its thousands of rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dip", "0014_public_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                condition=models.Q(
                    ("title", ""),
                    ("summary", ""),
                    ("holding_unit", ""),
                    ("responsible", ""),
                    ("produced_at__isnull", True),
                    ("produced_place", ""),
                    ("form", ""),
                    ("retention", ""),
                    models.Q(
                        ("classification", "dikecualikan"),
                        models.Q(
                            ("exemption_ground", ""),
                            ("consequence_if_opened", ""),
                            ("consequence_if_closed", ""),
                            ("public_interest", ""),
                            models.Q(
                                models.Q(
                                    ("exemption_ground", "j"),
                                    ("exemption_ground", "other"),
                                    _connector="OR",
                                ),
                                ("exemption_law", ""),
                            ),
                            models.Q(
                                ("exemption_event", ""),
                                ("exemption_permanent", False),
                                ("exemption_until__isnull", True),
                            ),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                fields=["body", "id"],
                name="item_incomplete",
            ),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                condition=models.Q(("classification", "dikecualikan")),
                fields=["body", "id"],
                name="item_exempted",
            ),
        ),
    ]
