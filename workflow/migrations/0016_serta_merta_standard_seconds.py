from django.db import migrations, models


def backfill_standard_seconds(apps, schema_editor):
    """Store the standard of the requests asked before it was stored: amount × unit, each day
    one office day of the body's calendar (its own, else the nearest ancestor's), as 0007 did
    for the steps; and nothing else: the audit rows already written stay as they are."""
    from ppid.calendar import office_day_seconds, parse_office_hours
    from ppid.models import default_office_hours

    SertaMertaRequest = apps.get_model("workflow", "SertaMertaRequest")
    Body = apps.get_model("ppid", "Body")
    WorkingCalendar = apps.get_model("ppid", "WorkingCalendar")
    hours = {c.body_id: c.office_hours for c in WorkingCalendar.objects.all()}
    parents = dict(Body.objects.values_list("pk", "parent_id"))
    default_day = office_day_seconds(parse_office_hours(default_office_hours()))

    def day_of(body_id):
        seen = set()
        while body_id is not None and body_id not in seen:
            if body_id in hours:
                return office_day_seconds(parse_office_hours(hours[body_id]))
            seen.add(body_id)
            body_id = parents.get(body_id)
        return default_day

    unit_seconds = {"menit": 60, "jam": 3600, "hari_kalender": 86400}
    days = {}
    for request in SertaMertaRequest.objects.filter(standard_seconds=None).iterator():
        if request.body_id not in days:
            days[request.body_id] = day_of(request.body_id)
        request.standard_seconds = request.standard_amount * unit_seconds.get(
            request.standard_unit, days[request.body_id]
        )
        request.save(update_fields=["standard_seconds"])


class Migration(migrations.Migration):
    dependencies = [
        ("ppid", "0003_second_factor_token"),
        ("workflow", "0015_objections_answer_and_dispute"),
    ]

    operations = [
        migrations.AddField(
            model_name="sertamertarequest",
            name="standard_seconds",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_standard_seconds, migrations.RunPython.noop),
    ]
