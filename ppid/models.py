"""The organisation: public bodies, their units, and the officers' roles in them.

Roles are django-guardian object permissions on a Body, stored in a direct-foreign-key table
(`BodyUserObjectPermission`) so that "which bodies may this user see" is one indexed subquery.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator / PPID officer")
    PPID = "ppid", _("PPID (pembantu / pelaksana)")
    TIM = "tim", _("Consideration team (tim pertimbangan)")
    ATASAN = "atasan", _("Head of the body (atasan PPID)")
    PPID_UTAMA = "ppid_utama", _("PPID Utama")

    @property
    def codename(self) -> str:
        return f"role_{self.value}"


class Body(models.Model):
    """A public body (Badan Publik / OPD). A body with children is a PPID Utama over them."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    address = models.TextField(_("address"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("PPID Utama"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Pontianak")
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("public body")
        verbose_name_plural = _("public bodies")
        default_permissions = ("add", "change", "delete", "view")
        permissions = [(role.codename, role.label) for role in Role]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A bidang/seksi of a body: the unit that holds (menguasai) information."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="unit_unique_name_per_body")
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """What a signed document needs to say about a person: position and NIP."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    nip = models.CharField(_("NIP"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class BodyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "content_object"], name="bodyperm_user_body")]


def default_office_hours() -> dict[str, list[str]]:
    """Monday..Thursday 07:30-16:00, Friday 07:30-16:30; keys are ISO weekdays (1 = Monday)."""
    hours = {str(day): ["07:30", "16:00"] for day in range(1, 5)}
    hours["5"] = ["07:30", "16:30"]
    return hours


class WorkingCalendar(models.Model):
    """A body's own working calendar. A body without one uses its PPID Utama's (or the default)."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="calendar")
    office_hours = models.JSONField(
        _("office hours"),
        default=default_office_hours,
        help_text="ISO weekday (1 = Monday) → [start, end] as HH:MM; a missing day is not worked.",
    )
    national_holidays = models.BooleanField(
        _("observe national holidays and cuti bersama"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")

    def __str__(self) -> str:
        return str(self.body)


class CalendarDay(models.Model):
    """A local exception to the national calendar: an extra day off, or a worked holiday."""

    class Kind(models.TextChoices):
        OFF = "off", _("Day off (local holiday)")
        WORK = "work", _("Working day (despite a national holiday)")

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.OFF)
    name = models.CharField(_("name"), max_length=120)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendarday_unique_date")
        ]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SecondFactorToken(models.Model):
    """An API token obtained with a second factor: only such a token may sign through the API
    when PPID_REQUIRE_2FA is on. It goes when the token goes."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="second_factor"
    )
    verified_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token with a second factor")
        verbose_name_plural = _("API tokens with a second factor")

    def __str__(self) -> str:
        return str(self.token_id)[:8]
