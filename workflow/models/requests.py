"""Requests for information (permohonan informasi): the register row with its clock, its
internal notes, and the signed written notice of its decision.

UU 14/2008 Pasal 21-22, Perki 1/2021. A request is registered at once with a number per body and
year and answered by a written notice (pemberitahuan tertulis) within 10 working days of
receipt, extendable once by at most 7 working days with a written reason. Objections to it are
in `workflow.models.objections`."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dip.models import ExemptionGround, Item, SignedArtefact
from ppid.fields import NOTE_MAX_LENGTH, bounded_text
from ppid.models import Body, Unit

REQUEST_ANSWER_WORKING_DAYS = 10
REQUEST_EXTENSION_MAX_WORKING_DAYS = 7

REQUEST_INFORMATION_MAX_LENGTH = 5000
REQUEST_PURPOSE_MAX_LENGTH = 2000
REQUESTER_ADDRESS_MAX_LENGTH = 1000
# Long enough for a NIK (16 digits), a passport or an organisation's registration number.
IDENTITY_NUMBER_MAX_LENGTH = 32
TRACKING_CODE_LENGTH = 16
# Without 0/O and 1/I/L so that a code read aloud or copied from paper is not mistaken.
TRACKING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    """An unguessable code (16 symbols of 31: about 79 bits) the requester follows the request
    by, printed on the receipt; no personal data is needed to read the status."""
    return "".join(secrets.choice(TRACKING_CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


class RequestChannel(models.TextChoices):
    ONLINE = "online", _("Online form")
    WALK_IN = "walk_in", _("In person (walk-in)")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Telephone")
    EMAIL = "email", _("E-mail")


class RequestObtain(models.TextChoices):
    VIEW = "view", _("View / read")
    COPY = "copy", _("Get a copy")


class RequestForm(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")


class RequestDelivery(models.TextChoices):
    PICKUP = "pickup", _("Picked up in person")
    EMAIL = "email", _("By e-mail")
    POST = "post", _("By post / courier")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    EXTENDED = "extended", _("Extended")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOT_HELD = "not_held", _("Not held by this body")
    NOT_DOCUMENTED = "not_documented", _("Not yet documented")


# The statuses in which the request still waits for its written notice (the clock runs).
REQUEST_OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.EXTENDED)
REQUEST_DECISIONS = (
    RequestStatus.GRANTED,
    RequestStatus.PARTLY_GRANTED,
    RequestStatus.REFUSED,
    RequestStatus.NOT_HELD,
    RequestStatus.NOT_DOCUMENTED,
)

# What the requester gives, in the order of the Perki's form: the public form, the officer's
# form and the API take and show these.
REQUESTER_FIELDS = [
    "name",
    "address",
    "phone",
    "email",
    "occupation",
    "identity_number",
    "information",
    "purpose",
    "obtain",
    "form",
    "delivery",
]


class InformationRequest(ConcurrentTransitionMixin, models.Model):
    """One request for information (permohonan informasi publik): a row of the body's Buku
    Register Permohonan. The requester's personal data is never shown publicly; the public
    reads the status by `tracking_code`. The deadline is stored at receipt (`due_at`, 10
    working days by the body's office calendar) and, after the one extension, `extended_due_at`
    (`deadline` is whichever applies). The clock fields work like a step's
    (`workflow.services.watch`)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="information_requests")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("register number"))
    tracking_code = models.CharField(
        _("tracking code"), max_length=TRACKING_CODE_LENGTH, unique=True, default=new_tracking_code
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=RequestChannel.choices, default=RequestChannel.ONLINE
    )
    received_at = models.DateTimeField(_("received at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The requester (Perki 1/2021: identity, address, contact); never published.
    name = models.CharField(_("name"), max_length=255)
    address = bounded_text(_("address"), max_length=REQUESTER_ADDRESS_MAX_LENGTH)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=255, blank=True)
    identity_number = models.CharField(
        _("identity number (NIK)"), max_length=IDENTITY_NUMBER_MAX_LENGTH
    )
    # What is asked for, why, and how it is to be obtained.
    information = bounded_text(
        _("information requested"), max_length=REQUEST_INFORMATION_MAX_LENGTH
    )
    purpose = bounded_text(_("purpose"), max_length=REQUEST_PURPOSE_MAX_LENGTH)
    obtain = models.CharField(
        _("how to obtain"), max_length=10, choices=RequestObtain.choices, default=RequestObtain.COPY
    )
    form = models.CharField(
        _("form"), max_length=10, choices=RequestForm.choices, default=RequestForm.SOFTCOPY
    )
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=RequestDelivery.choices, default=RequestDelivery.EMAIL
    )
    status = FSMField(_("status"), choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    # The clock: stored at receipt, never recomputed on read.
    due_at = models.DateTimeField(_("deadline"))
    due_explanation = models.CharField(max_length=500, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    next_notice_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The one extension (Pasal 22(8)): when, by whom, why, by how many working days.
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_reason = bounded_text(
        _("reason for the extension"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(REQUEST_EXTENSION_MAX_WORKING_DAYS)],
    )
    extended_due_at = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    extended_due_explanation = models.CharField(max_length=500, blank=True)
    # Handed over to the unit (bidang/seksi) that holds the information.
    handed_to = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over to"),
    )
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The decision, said in the written notice.
    decision_note = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    refused_item = models.ForeignKey(
        Item,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("DIK row"),
    )
    # Copied from the DIK row when refused, so the notice stays as it was given.
    refusal_ground = models.CharField(
        _("legal ground"), max_length=5, choices=ExemptionGround.choices, blank=True
    )
    refusal_law = models.CharField(_("law cited"), max_length=500, blank=True)
    refusal_consequence = models.TextField(_("consequence test"), blank=True)
    holder = models.CharField(_("held by"), max_length=500, blank=True)
    fee = models.DecimalField(
        _("fee (Rp)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    decided_at = models.DateTimeField(_("notice date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="request_unique_register_number"
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True, extended_due_at__isnull=True)
                | Q(
                    extended_at__isnull=False,
                    extended_due_at__isnull=False,
                    extension_days__gte=1,
                    extension_days__lte=REQUEST_EXTENSION_MAX_WORKING_DAYS,
                ),
                name="request_one_extension_of_at_most_7_days",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "-received_at"], name="request_register"),
            models.Index(fields=["body", "status"], name="request_body_status"),
            models.Index(
                fields=["next_notice_at"],
                # OR rather than IN: PostgreSQL prints `IN` back as an array that a restore
                # re-reads differently, and the backup test compares the indexes exactly.
                condition=(Q(status="received") | Q(status="extended"))
                & Q(next_notice_at__isnull=False),
                name="request_open_next_notice",
            ),
        ]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")

    def __str__(self) -> str:
        return f"{self.register_number} ({self.status})"

    @property
    def register_number(self) -> str:
        """ "12/2026": the number in the body's register of the year."""
        return f"{self.number}/{self.year}"

    @property
    def deadline(self) -> datetime:
        """The deadline that applies: the extended one after the extension."""
        return self.extended_due_at or self.due_at

    @property
    def deadline_explanation(self) -> str:
        return self.extended_due_explanation if self.extended_due_at else self.due_explanation

    @property
    def is_open(self) -> bool:
        return self.status in REQUEST_OPEN_STATUSES

    @property
    def masked_identity_number(self) -> str:
        """The identity number as every list shows it: the last four digits only."""
        value = self.identity_number or ""
        if len(value) <= 4:
            return "*" * len(value)
        return "*" * (len(value) - 4) + value[-4:]

    @transition(field=status, source=RequestStatus.RECEIVED, target=RequestStatus.EXTENDED)
    def extend(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.GRANTED)
    def grant(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.PARTLY_GRANTED)
    def grant_partly(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.NOT_HELD)
    def report_not_held(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.NOT_DOCUMENTED)
    def report_not_documented(self) -> None:
        pass


# The decisions a written notice gives, as a form's or the API's choices.
REQUEST_DECISION_CHOICES = [(value, RequestStatus(value).label) for value in REQUEST_DECISIONS]

# The transition method of each decision.
REQUEST_DECISION_TRANSITIONS = {
    RequestStatus.GRANTED: "grant",
    RequestStatus.PARTLY_GRANTED: "grant_partly",
    RequestStatus.REFUSED: "refuse",
    RequestStatus.NOT_HELD: "report_not_held",
    RequestStatus.NOT_DOCUMENTED: "report_not_documented",
}


class RequestNote(models.Model):
    """An internal note on a request (never shown to the requester)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "created_at", "pk"]
        verbose_name = _("request note")
        verbose_name_plural = _("request notes")

    def __str__(self) -> str:
        return self.text[:60]


class RequestNoticeDocument(SignedArtefact):
    """The written notice (pemberitahuan tertulis) of a request's decision, as a signed PDF."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="notice_document"
    )

    class Meta:
        verbose_name = _("signed written notice")
        verbose_name_plural = _("signed written notices")

    def __str__(self) -> str:
        return f"{self.request} ({self.status})"
