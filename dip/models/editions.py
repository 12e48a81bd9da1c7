"""DIP/DIK editions and their state machine.

An Edition carries its own route (the stages, actors and time standards its SOP had when the
edition was opened), so the state machine below never asks the workflow app, and an SOP revised
mid-year does not change an edition already in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from ppid.models import Body
from ppid.permissions import has_role


class EditionKind(models.TextChoices):
    DIP = "dip", _("DIP (Daftar Informasi Publik)")
    DIK = "dik", _("DIK (Daftar Informasi yang Dikecualikan)")


class Stage(models.TextChoices):
    """The fixed set of stages: the union of what the three seed SOPs need."""

    IDENTIFICATION = "identification", _("Identification")
    INSTRUCTION = "instruction", _("Instruction (Nota Dinas)")
    COLLECTION = "collection", _("Collection")
    VERIFICATION = "verification", _("Verification")
    CONSIDERATION = "consideration", _("Consideration")
    APPROVAL = "approval", _("Approval")
    PUBLICATION = "publication", _("Publication")
    PUBLISHED = "published", _("Published")


STAGE_ORDER = [s.value for s in Stage]
EDITABLE_STAGES = frozenset({Stage.IDENTIFICATION, Stage.INSTRUCTION, Stage.COLLECTION})
REVIEW_STAGES = frozenset({Stage.VERIFICATION, Stage.CONSIDERATION, Stage.APPROVAL})
SYSTEM_ACTOR = "system"
DECREE_NUMBER_MAX_LENGTH = 100


def _step(name: str, completes: str, label: str, decision: str) -> dict[str, Any]:
    """A transition's facts, declared once on its fsm method (`custom`): its name in the API and
    the URLs, the stage it completes, the button's label and the word the history shows."""
    return {"name": name, "completes": completes, "label": label, "decision": decision}


def _may_act(edition: Edition, user) -> bool:
    role = edition.actor_role
    return bool(role) and role != SYSTEM_ACTOR and has_role(user, edition.body, role)


def _never(edition: Edition, user) -> bool:
    return False


def _can_return(edition: Edition) -> bool:
    return edition.return_target() is not None


def revision_label(revision: int) -> str:
    """How a revision is named everywhere (pages, task list, API, PDF): "Perubahan ke-N"."""
    return gettext("Revision %(n)d") % {"n": revision} if revision else ""


class Edition(ConcurrentTransitionMixin, models.Model):
    """One DIP or DIK of a body (e.g. "DIP 2026", or a revision within a year)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="editions")
    kind = models.CharField(_("kind"), max_length=3, choices=EditionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    title = models.CharField(_("title"), max_length=255)
    state = FSMField(_("stage"), choices=Stage.choices, default=Stage.COLLECTION)
    route = models.JSONField(
        _("route"),
        default=dict,
        help_text="The SOP as it was when the edition was opened: {'sop': {...}, 'stages': [...]}",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text="Printed under the QR code of the signed document; set when it is signed.",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The decision (Keputusan) of the atasan that sets the list, recorded when it is signed and
    # printed on the signed document and the public page.
    decree_number = models.CharField(
        _("decree number"), max_length=DECREE_NUMBER_MAX_LENGTH, blank=True
    )
    decree_date = models.DateField(_("decree date"), null=True, blank=True)

    class Meta:
        ordering = ["body", "-year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "year", "revision"], name="edition_unique_revision"
            )
        ]
        indexes = [
            models.Index(fields=["body", "kind", "state", "-published_at"], name="edition_current"),
            models.Index(fields=["state", "signed_at"], name="edition_state_signed"),
        ]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return f"{self.title} ({self.body.short_name or self.body.slug})"

    @property
    def revision_label(self) -> str:
        """ "Perubahan ke-N" for a revision, "" for the year's first edition."""
        return revision_label(self.revision)

    @property
    def display_title(self) -> str:
        """The title, with "Perubahan ke-N" when the title does not say it already."""
        label = self.revision_label
        if not label or label.lower() in self.title.lower():
            return self.title
        return f"{self.title} ({label})"

    # --- the route -------------------------------------------------------------------------
    @property
    def stages(self) -> list[dict[str, Any]]:
        return self.route.get("stages", [])

    def route_stage(self, stage: str) -> dict[str, Any] | None:
        return next((s for s in self.stages if s["stage"] == stage), None)

    def next_stage(self) -> str:
        names = [s["stage"] for s in self.stages]
        index = names.index(self.state)
        return names[index + 1] if index + 1 < len(names) else Stage.PUBLISHED

    def return_target(self) -> str | None:
        current = self.route_stage(self.state)
        return current.get("return_to") if current else None

    @property
    def actor_role(self) -> str | None:
        current = self.route_stage(self.state)
        return current["role"] if current else None

    def may_act(self, user) -> bool:
        """The user holds the role that the SOP names for the current stage."""
        return _may_act(self, user)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STAGES

    @property
    def is_open(self) -> bool:
        """Not published yet (being assembled, reviewed, or published by the system now)."""
        return self.state != Stage.PUBLISHED

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    # --- the state machine: in-memory changes only; side effects live in the services --------
    @transition(
        field=state,
        source=Stage.IDENTIFICATION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step(
            "identify",
            Stage.IDENTIFICATION,
            _("Report the identification"),
            _("identification reported"),
        ),
    )
    def identify(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.INSTRUCTION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step(
            "instruct", Stage.INSTRUCTION, _("Issue the Nota Dinas"), _("Nota Dinas issued")
        ),
    )
    def instruct(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.COLLECTION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step("submit", Stage.COLLECTION, _("Submit for verification"), _("submitted")),
    )
    def submit(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.VERIFICATION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step("verify", Stage.VERIFICATION, _("Verify (paraf)"), _("verified (paraf)")),
    )
    def verify(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.CONSIDERATION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step(
            "consider", Stage.CONSIDERATION, _("Pass on the consideration"), _("considered")
        ),
    )
    def consider(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.APPROVAL,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step("sign", Stage.APPROVAL, _("Sign"), _("signed")),
    )
    def sign(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=list(REVIEW_STAGES),
        target=RETURN_VALUE(*STAGE_ORDER),
        conditions=[_can_return],
        permission=_may_act,
        custom={
            "name": "return",
            "label": _("Return (tidak setuju)"),
            "decision": _("returned"),
            "note_required": True,
        },
    )
    def send_back(self) -> str:
        return self.return_target()

    @transition(
        field=state,
        source=Stage.PUBLICATION,
        target=Stage.PUBLISHED,
        permission=_never,
        custom={
            "name": "publish",
            "completes": Stage.PUBLICATION,
            "decision": _("published by the system"),
            "system": True,
        },
    )
    def publish(self) -> None:
        self.published_at = timezone.now()


@dataclass(frozen=True)
class TransitionSpec:
    """What the rest of the code knows of a transition, read from its fsm declaration."""

    name: str
    method: str
    completes: str | None
    label: str
    decision: str
    note_required: bool
    system: bool


def _transition_specs() -> dict[str, TransitionSpec]:
    specs: dict[str, TransitionSpec] = {}
    for t in Edition._meta.get_field("state").get_all_transitions(Edition):
        custom = t.custom
        specs.setdefault(
            custom["name"],
            TransitionSpec(
                name=custom["name"],
                method=t.name,
                completes=custom.get("completes"),
                label=custom.get("label", ""),
                decision=custom["decision"],
                note_required=custom.get("note_required", False),
                system=custom.get("system", False),
            ),
        )
    order = [*STAGE_ORDER, None]
    return dict(sorted(specs.items(), key=lambda kv: order.index(kv[1].completes)))


# Every transition by name, in the order of the stages they complete (the return last).
TRANSITIONS = _transition_specs()
# The forward transition an officer runs out of each stage: {stage: name} (publication, the
# system's, is not one).
FORWARD = {
    spec.completes: name for name, spec in TRANSITIONS.items() if spec.completes and not spec.system
}
