"""Default routes: the DIP or DIK route a PPID Utama sets for the bodies under it whose own SOPs
cover only one of the two lists (each body owns a DIP and a DIK).

A default route is an SOP of the PPID Utama's body with `is_default_route` set; it is read only
through `workflow.services.editions.active_sop` (the body's own SOP wins). The PPID Utama sets
it from the Perki 1/2021 steps below and may then edit it like any SOP, or withdraw it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import EditionKind
from ppid.calendar import body_today
from ppid.models import Body, Role
from ppid.permissions import has_role
from workflow.models import AuditEntry, Sop, SopStep
from workflow.services.editions import sop_route

LEGAL_BASIS = (
    "1. Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik\n"
    "2. Peraturan Pemerintah Nomor 61 Tahun 2010 tentang Pelaksanaan Undang-Undang Nomor 14 "
    "Tahun 2008 tentang Keterbukaan Informasi Publik\n"
    "3. Peraturan Menteri Dalam Negeri Nomor 3 Tahun 2017 tentang Pedoman Pengelolaan Pelayanan "
    "Informasi dan Dokumentasi Kementerian Dalam Negeri dan Pemerintah Daerah\n"
    "4. Peraturan Komisi Informasi Nomor 1 Tahun 2021 tentang Standar Layanan Informasi Publik"
)

LANES = {
    "operator": "Petugas Informasi/Operator",
    "ppid": "PPID",
    "tim": "Tim Pertimbangan",
    "atasan": "Atasan PPID",
}


def _step(number, stage, role, activity, amount, unit, output, return_to="", requirements=""):
    return {
        "number": number,
        "stage": stage,
        "role": role,
        "lane": LANES[role],
        "activity": activity,
        "requirements": requirements,
        "time_amount": amount,
        "time_unit": unit,
        "output": output,
        "return_to": return_to,
    }


# The Perki steps: operator → PPID → (tim →) atasan, then the signed list is published.
PERKI_ROUTES: dict[str, dict[str, Any]] = {
    EditionKind.DIP: {
        "number": "RUTE-BAWAAN/DIP",
        "name": "Rute Bawaan Pendokumentasian Daftar Informasi Publik",
        "lanes": ["operator", "ppid", "atasan"],
        "steps": [
            _step(
                1,
                "collection",
                "operator",
                "Mengumpulkan informasi publik dari bidang/seksi dan mengklasifikasikannya "
                "(serta merta, berkala, setiap saat) dalam rancangan Daftar Informasi Publik",
                1,
                "hari_kerja",
                "Rancangan Daftar Informasi Publik",
                requirements="Informasi dari setiap bidang/seksi",
            ),
            _step(
                2,
                "verification",
                "ppid",
                "Memeriksa dan memverifikasi rancangan Daftar Informasi Publik; jika belum "
                "sesuai, mengembalikannya kepada petugas untuk diperbaiki",
                1,
                "hari_kerja",
                "Rancangan Daftar Informasi Publik yang telah diverifikasi",
                return_to="collection",
            ),
            _step(
                3,
                "approval",
                "atasan",
                "Memeriksa dan menetapkan Daftar Informasi Publik dengan keputusan; jika tidak "
                "setuju, mengembalikannya kepada PPID",
                2,
                "hari_kerja",
                "Keputusan penetapan Daftar Informasi Publik",
                return_to="verification",
            ),
            _step(
                4,
                "publication",
                "operator",
                "Mengumumkan Daftar Informasi Publik yang telah ditetapkan di laman PPID dan "
                "mengarsipkannya",
                1,
                "jam",
                "Daftar Informasi Publik terpublikasi dan terarsip",
            ),
        ],
    },
    EditionKind.DIK: {
        "number": "RUTE-BAWAAN/DIK",
        "name": "Rute Bawaan Pendokumentasian Informasi yang Dikecualikan",
        "lanes": ["operator", "ppid", "tim", "atasan"],
        "steps": [
            _step(
                1,
                "collection",
                "operator",
                "Mengumpulkan dan mengidentifikasi informasi yang akan dikecualikan beserta "
                "rancangan uji konsekuensinya",
                1,
                "hari_kerja",
                "Identifikasi informasi yang dikecualikan",
            ),
            _step(
                2,
                "verification",
                "ppid",
                "Memeriksa, memverifikasi dan memaraf hasil identifikasi; jika belum sesuai, "
                "mengembalikannya kepada petugas untuk diperbaiki",
                1,
                "hari_kerja",
                "Identifikasi yang telah diperiksa",
                return_to="collection",
            ),
            _step(
                3,
                "consideration",
                "tim",
                "Melakukan uji konsekuensi atas rancangan Daftar Informasi yang Dikecualikan",
                2,
                "hari_kerja",
                "Rancangan Daftar Informasi yang Dikecualikan yang telah diuji",
                return_to="verification",
            ),
            _step(
                4,
                "approval",
                "atasan",
                "Memeriksa dan menetapkan Daftar Informasi yang Dikecualikan dengan keputusan",
                2,
                "hari_kerja",
                "Keputusan penetapan Daftar Informasi yang Dikecualikan",
                return_to="consideration",
            ),
            _step(
                5,
                "publication",
                "operator",
                "Mendokumentasikan dan mengarsipkan Daftar Informasi yang Dikecualikan yang "
                "telah ditetapkan",
                1,
                "jam",
                "Daftar Informasi yang Dikecualikan terarsip",
            ),
        ],
    },
}


def may_set_default_routes(user: AbstractBaseUser, body: Body) -> bool:
    """The PPID Utama holding the role on the body itself (or a superuser)."""
    return bool(user.is_superuser) or has_role(user, body, Role.PPID_UTAMA)


def default_route(body: Body, kind: str) -> Sop | None:
    """The default route `body`'s PPID Utama has set for `kind` (None when none is set)."""
    return Sop.objects.filter(
        body=body, applies_to=kind, is_active=True, is_default_route=True
    ).first()


def _audit(body: Body, user: AbstractBaseUser | None, action: str, sop: Sop) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=body,
        action=action,
        target_type="workflow.sop",
        target_id=str(sop.pk),
        data={"kind": sop.applies_to, "number": sop.number, "name": sop.name},
    )


def _kind(kind: str) -> str:
    if kind not in EditionKind.values:
        raise ValidationError({"kind": [_("Choose the DIP or the DIK.")]})
    return kind


@transaction.atomic
def default_route_set(*, body: Body, kind: str, user: AbstractBaseUser) -> Sop:
    """Set the Perki default route for `kind` at `body` (its PPID Utama). Refused (400) when one
    is in force already: it is edited or withdrawn, never set twice."""
    if not may_set_default_routes(user, body):
        raise PermissionDenied(_("Only the PPID Utama of this body sets its default routes."))
    kind = _kind(kind)
    Body.objects.select_for_update(no_key=True).filter(pk=body.pk).first()
    if default_route(body, kind) is not None:
        raise ValidationError({"kind": [_("A default route for this list is in force already.")]})
    template = PERKI_ROUTES[kind]
    number = template["number"]
    taken = set(Sop.objects.filter(body=body).values_list("number", flat=True))
    version = 1
    while number in taken:
        version += 1
        number = f"{template['number']}/{version}"
    officer = getattr(user, "officer", None)
    sop = Sop(
        body=body,
        applies_to=kind,
        number=number,
        name=template["name"],
        made_on=body_today(body),
        effective_on=body_today(body),
        approved_by=", ".join(
            part
            for part in (user.get_full_name(), getattr(officer, "position", "") or body.name)
            if part
        ),
        legal_basis=LEGAL_BASIS,
        lanes=[{"role": role, "label": LANES[role]} for role in template["lanes"]],
        is_active=True,
        is_default_route=True,
    )
    sop.full_clean()
    sop.save()
    for values in template["steps"]:
        step = SopStep(sop=sop, **values)
        step.full_clean()
        step.save()
    sop_route(sop)  # a default route must drive an edition
    _audit(body, user, "sop.default_route_set", sop)
    return sop


@transaction.atomic
def default_route_withdraw(*, body: Body, kind: str, user: AbstractBaseUser) -> Sop:
    """Withdraw the default route for `kind` at `body`: bodies that relied on it fall back to a
    default further up, or cannot open that list until one is set. Editions in flight keep the
    route they started with."""
    if not may_set_default_routes(user, body):
        raise PermissionDenied(_("Only the PPID Utama of this body sets its default routes."))
    kind = _kind(kind)
    sop = (
        Sop.objects.select_for_update(of=("self",), no_key=True)
        .filter(body=body, applies_to=kind, is_active=True, is_default_route=True)
        .order_by("pk")  # not the default order, which joins (and would lock) the body
        .first()
    )
    if sop is None:
        raise ValidationError({"kind": [_("No default route for this list is in force.")]})
    sop.is_active = False
    sop.save(update_fields=["is_active"])
    _audit(body, user, "sop.default_route_withdraw", sop)
    return sop
