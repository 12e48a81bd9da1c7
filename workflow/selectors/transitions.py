"""The transitions a user may run on an edition now, what each needs before it can run, and
which of them would still be refused (why, and where the missing step is done)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dip import selectors as dip_selectors
from dip import services as dip_services
from dip.models import TRANSITIONS, Edition, Stage
from ppid.twofactor import has_device, is_verified
from workflow.models import Consideration, NotaDinas


def available_transitions(edition: Edition, user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """The names of the transitions `user` may run on the edition now, in stage order (by
    stage and role; `blocked_transitions` says which of them would still be refused)."""
    return [t.custom["name"] for t in edition.get_available_user_state_transitions(user)]


# --- what a transition needs before it can run -------------------------------------------------
# Each precondition raises ValidationError saying what is missing. The transition service runs
# them (workflow.services.editions.transitions.CHECKS), and the pages and the API read them
# through `blocked_transitions`, so a button is never offered that the service would refuse.


def nota_dinas_check(edition: Edition) -> None:
    if not NotaDinas.objects.filter(edition=edition).exists():
        raise ValidationError(
            {"nota_dinas": [_("Write the Nota Dinas to the units before issuing it.")]}
        )


def considerations_check(edition: Edition) -> None:
    considered = set(
        Consideration.objects.filter(edition=edition).values_list("item_id", flat=True)
    )
    pending = [i.title for i in dip_selectors.edition_entries(edition) if i.pk not in considered]
    if pending:
        raise ValidationError(
            {
                "items": [
                    _("Record a consideration for: %(titles)s.") % {"titles": "; ".join(pending)}
                ]
            }
        )


def ready_check(edition: Edition) -> None:
    dip_services.edition_check_ready(edition)


@dataclass(frozen=True)
class Precondition:
    check: Callable[[Edition], None]
    # Where the missing step is done: (URL name taking the edition's pk, fragment, link text).
    fix_url: str
    fix_fragment: str
    fix_label: str


# Each transition's preconditions, in the order an officer does them: all are checked, and a
# blocked button links to the first one missing.
PRECONDITIONS: dict[str, tuple[Precondition, ...]] = {
    "submit": (
        Precondition(ready_check, "workflow:edition", "rows", gettext_lazy("Complete the rows")),
    ),
    "instruct": (
        Precondition(
            nota_dinas_check, "workflow:nota_dinas", "", gettext_lazy("Write the Nota Dinas")
        ),
    ),
    "consider": (
        Precondition(
            considerations_check,
            "workflow:considerations",
            "",
            gettext_lazy("Record the tim's decision on each row"),
        ),
        Precondition(
            dip_services.classification.classification_changes_check,
            "workflow:edition",
            "classification-changes",
            gettext_lazy("Decide the classification changes"),
        ),
        Precondition(
            dip_services.consideration_record_check,
            "workflow:consideration_record",
            "",
            gettext_lazy("Write the berita acara uji konsekuensi"),
        ),
    ),
}


def preconditions_check(edition: Edition, name: str) -> None:
    """Run every precondition of transition `name`; one ValidationError saying all that is
    missing."""
    errors: dict[str, list[str]] = {}
    for pre in PRECONDITIONS.get(name, ()):
        try:
            pre.check(edition)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Blocked:
    name: str
    reason: str
    fix_url: str
    fix_label: str


def transition_signs(edition: Edition, name: str) -> bool:
    """Whether transition `name` is the signature now: the step into publication."""
    spec = TRANSITIONS.get(name)
    return (
        spec is not None
        and spec.completes is not None
        and spec.completes == edition.state
        and edition.next_stage() == Stage.PUBLICATION
    )


def second_factor_blocked(
    edition: Edition, name: str, user: AbstractBaseUser | AnonymousUser
) -> Blocked | None:
    """A signature by a user without a verified second factor while PPID_REQUIRE_2FA is on:
    refused by the service (ppid.twofactor.check_signing_allowed), so shown blocked, with the
    way to set up (enrol) or confirm (verify) the second factor and come back."""
    if not settings.PPID_REQUIRE_2FA or not transition_signs(edition, name):
        return None
    if not user.is_authenticated or is_verified(user):
        return None
    back = reverse("workflow:edition", args=[edition.pk])
    if has_device(user):
        target, label = "accounts:2fa_verify", _("Confirm your second factor")
    else:
        target, label = "accounts:2fa_enrol", _("Set up a second factor")
    return Blocked(
        name=name,
        reason=_("Signing needs a verified second factor (the code from your authenticator app)."),
        fix_url=f"{reverse(target)}?{urlencode({'next': back})}",
        fix_label=label,
    )


def blocked_transitions(
    edition: Edition,
    names: list[str],
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> dict[str, Blocked]:
    """Of the transitions `names` (those the user may run by stage and role), the ones whose
    precondition fails now: why, and where to do the missing step. With `user`, a signature
    also needs that user's verified second factor when PPID_REQUIRE_2FA is on."""
    blocked: dict[str, Blocked] = {}
    for name in names:
        reasons: list[str] = []
        first: Precondition | None = None
        for pre in PRECONDITIONS.get(name, ()):
            try:
                pre.check(edition)
            except ValidationError as error:
                reasons.extend(error.messages)
                first = first or pre
        if first is None:
            if user is not None and (factor := second_factor_blocked(edition, name, user)):
                blocked[name] = factor
            continue
        url = reverse(first.fix_url, args=[edition.pk])
        if first.fix_fragment:
            url = f"{url}#{first.fix_fragment}"
        blocked[name] = Blocked(
            name=name, reason=" ".join(reasons), fix_url=url, fix_label=str(first.fix_label)
        )
    return blocked
