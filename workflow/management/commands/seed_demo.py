"""Load the three seed bodies, their SOPs, demo officers and a register. Safe to run again."""

from __future__ import annotations

import os
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dip import pki
from dip import selectors as dip_selectors
from dip import services as dip_services
from dip.models import FORWARD, Aggregator, Edition, EditionKind, Item
from ppid import services as ppid_services
from ppid.models import Body, Role, Unit
from ppid.twofactor import second_factor_waived
from workflow import seed_data, services
from workflow.models import InformationRequest, Sop, SopStep
from workflow.services import objections as objection_services
from workflow.services import requests as request_services

User = get_user_model()


class Command(BaseCommand):
    help = "Load the demo: three seed bodies with their SOPs, officers, items and editions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=settings.PPID_DEMO_PASSWORD,
            help="password of every demo account (default: PPID_DEMO_PASSWORD)",
        )
        parser.add_argument(
            "--no-editions",
            action="store_true",
            help="do not start demo editions",
        )
        parser.add_argument(
            "--no-requests",
            action="store_true",
            help="do not add the demo requests for information and objection",
        )

    @transaction.atomic
    def handle(self, *args, password: str, no_editions: bool, no_requests: bool = False, **options):
        utama, _ = Body.objects.update_or_create(
            slug=seed_data.PPID_UTAMA["slug"], defaults=seed_data.PPID_UTAMA
        )
        utama_user = ppid_services.officer_upsert(
            username=seed_data.PROVINCE_USERNAME,
            password=password,
            first_name="PPID",
            last_name="Utama",
            position="PPID Utama Provinsi Kalimantan Barat",
        )
        ppid_services.role_grant(user=utama_user, body=utama, role=Role.PPID_UTAMA)
        # The PPID Utama's default DIP and DIK routes (Perki steps), for every body whose own
        # SOPs cover only one of its two lists.
        for kind in EditionKind.values:
            if services.default_route(utama, kind) is None:
                services.default_route_set(body=utama, kind=kind, user=utama_user)
        admin = ppid_services.officer_upsert(
            username=seed_data.ADMIN_USERNAME, password=password, first_name="Administrator"
        )
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)

        self._signing_keys(utama)
        parents = {utama.slug: utama}
        for spec in seed_data.KABUPATEN:
            parents[spec["slug"]] = self._kabupaten(spec, utama, password)
        for spec in seed_data.BODIES:
            body = self._body(spec, parents[spec.get("parent", utama.slug)])
            self._signing_keys(body)
            officers = self._officers(spec, body, password)
            self._sop(body, spec["sop"])
            self._items(body, officers["operator"])
            if not no_editions and not body.editions.exists():
                # The demo's signatures are the system's, made without a request: no second
                # factor to ask for.
                with second_factor_waived():
                    self._editions(body, spec["sop"]["applies_to"], officers)
            self.stdout.write(
                f"  {body.slug}: {body.items.count()} items, {body.editions.count()} editions"
            )
        if not no_requests:
            self._requests(Body.objects.get(slug=seed_data.DEMO_REQUESTS_BODY))
        self._aggregators()
        names = ", ".join(username for username, _body, _role in seed_data.demo_accounts())
        self.stdout.write(
            self.style.SUCCESS(f"Demo loaded. Accounts: {names}; password: {password}")
        )

    def _requests(self, body: Body) -> None:
        """The demo's requests for information at `body`, through the services (numbered,
        with deadlines and audit rows like real ones); once: a body with requests keeps them."""
        if InformationRequest.objects.filter(body=body).exists():
            return
        ppid = User.objects.get(username=f"{body.slug}.{Role.PPID}")
        for spec in seed_data.DEMO_REQUESTS:
            fields = {
                k: v for k, v in spec.items() if k not in ("extend", "decide", "note", "objection")
            }
            request = request_services.request_receive(body=body, **fields)
            if spec.get("extend"):
                request_services.request_extend(request=request, user=ppid, reason=spec["extend"])
            if spec.get("decide"):
                request = request_services.request_decide(
                    request=request, user=ppid, decision=spec["decide"], note=spec.get("note", "")
                )
            if spec.get("objection"):
                ground, reason = spec["objection"]
                objection_services.objection_file(request=request, ground=ground, reason=reason)
        self.stdout.write(f"  {body.slug}: {len(seed_data.DEMO_REQUESTS)} demo requests")

    def _aggregators(self) -> None:
        """With PPID_DEMO_SIKEDIP_URL set, Disdukcapil Kalbar pushes its editions to SIKEDIP."""
        url = os.environ.get("PPID_DEMO_SIKEDIP_URL", "")
        if not url:
            return
        body = Body.objects.get(slug="disdukcapil-kalbar")
        aggregator = Aggregator.objects.filter(body=body, name="SIKEDIP").first() or Aggregator(
            body=body, name="SIKEDIP"
        )
        aggregator.url = url
        aggregator.secret = os.environ.get("PPID_DEMO_SIKEDIP_SECRET", "demo-secret")
        aggregator.is_active = True
        aggregator.full_clean()
        aggregator.save()
        self.stdout.write(f"  disdukcapil-kalbar pushes to SIKEDIP at {url}")

    def _signing_keys(self, body: Body) -> None:
        """A demo CA and the body's signing key under PPID_SIGNING_DIR (existing ones kept)."""
        for path in pki.demo_pki_create(settings.PPID_SIGNING_DIR, [body]):
            self.stdout.write(f"  created {path}")

    def _kabupaten(self, spec: dict, province: Body, password: str) -> Body:
        """A kabupaten's own PPID Utama body under the province, with its PPID Utama officer."""
        fields = {k: spec[k] for k in ("name", "short_name", "address", "website")}
        body, _ = Body.objects.update_or_create(
            slug=spec["slug"], defaults={**fields, "parent": province}
        )
        user = ppid_services.officer_upsert(
            username=spec["username"],
            password=password,
            first_name="PPID Utama",
            last_name=spec["name"].removeprefix("Pemerintah "),
            position=spec["position"],
        )
        ppid_services.role_grant(user=user, body=body, role=Role.PPID_UTAMA)
        self._signing_keys(body)  # a body like any other: its own lists may be signed too
        return body

    def _body(self, spec: dict, parent: Body) -> Body:
        fields = {k: spec[k] for k in ("name", "short_name", "address", "website")}
        body, _ = Body.objects.update_or_create(
            slug=spec["slug"], defaults={**fields, "parent": parent}
        )
        for name in spec["units"]:
            Unit.objects.get_or_create(body=body, name=name)
        return body

    def _officers(self, spec: dict, body: Body, password: str) -> dict:
        officers = {}
        for role, (first, last, position, nip) in spec["officers"].items():
            user = ppid_services.officer_upsert(
                username=f"{body.slug}.{role}",
                password=password,
                first_name=first,
                last_name=last,
                position=position,
                nip=nip,
            )
            ppid_services.role_grant(user=user, body=body, role=role)
            officers[role] = user
        return officers

    def _sop(self, body: Body, spec: dict) -> Sop:
        latest = Sop.objects.filter(body=body, number=spec["number"]).order_by("-version").first()
        if latest is not None and latest.version > 1:
            return latest  # changed in the app since: the seed leaves its versions alone
        header = {k: v for k, v in spec.items() if k not in ("number", "steps")}
        sop, _ = Sop.objects.update_or_create(
            body=body, number=spec["number"], version=1, defaults={**header, "is_active": True}
        )
        for step in spec["steps"]:
            values = {"notes": "", "return_to": "", **step}
            number = values.pop("number")
            instance = SopStep.objects.filter(sop=sop, number=number).first() or SopStep(
                sop=sop, number=number
            )
            for key, value in values.items():
                setattr(instance, key, value)
            instance.full_clean()
            instance.save()
        sop.steps.exclude(number__in=[s["number"] for s in spec["steps"]]).delete()
        services.sop_route(sop)  # refuse to seed an SOP that cannot drive an edition
        return sop

    def _items(self, body: Body, operator) -> None:
        units = {u.name: u for u in body.units.all()}
        for unit_name, fields in seed_data.ITEMS[body.slug]:
            if not Item.objects.filter(body=body, title=fields["title"]).exists():
                dip_services.item_create(body=body, user=operator, unit=units[unit_name], **fields)

    def _editions(self, body: Body, kind: str, officers: dict) -> None:
        """Show each chain at work: last year's edition published, this year's under review."""
        items = list(body.items.order_by("pk"))
        operator = officers["operator"]

        def run(edition: Edition, *names: str) -> Edition:
            for name in names:
                actor = officers[edition.actor_role]
                if name == "instruct":
                    services.nota_dinas_save(
                        edition=edition,
                        user=actor,
                        number=f"800/{edition.year}/PPID",
                        dated=date(edition.year, 1, 5),
                        addressed_to="Sekretaris dan para Kepala Bidang",
                        subject="Pengumpulan dan klasifikasi informasi publik",
                        content="Dalam rangka pemutakhiran Daftar Informasi Publik, mohon setiap "
                        "bidang menyampaikan informasi yang dikuasai beserta klasifikasinya.",
                    )
                elif name == "consider":
                    for item in dip_selectors.edition_entries(edition):
                        services.consideration_record(
                            edition=edition, item=item, user=actor, decision="agree"
                        )
                    dip_services.consideration_record_save(
                        edition=edition,
                        user=actor,
                        place="Ruang rapat PPID",
                        held_on=timezone.localdate(),
                        member_ids=[u.pk for u in dip_selectors.record_member_candidates(edition)],
                        opening="Tim pertimbangan melakukan uji konsekuensi atas informasi "
                        "yang diusulkan untuk dikecualikan.",
                    )
                # The signature records the decree (Keputusan) that sets the list.
                today = timezone.localdate()
                edition = services.edition_transition(
                    edition=edition,
                    name=name,
                    user=officers[edition.actor_role],
                    note="Lengkapi ringkasan isi." if name == "return" else "Sudah sesuai.",
                    decree_number=f"188.4/{edition.pk:03d}/PPID/{today.year}",
                    decree_date=today,
                )
            return edition

        def forward(edition: Edition, until: str | None = None) -> list[str]:
            names = [FORWARD[s["stage"]] for s in edition.stages if s["stage"] in FORWARD]
            return names[: names.index(until) + 1] if until else names

        last_year = services.edition_open(
            body=body, kind=kind, year=2025, title=f"{kind.upper()} 2025", user=operator
        )
        dip_services.edition_add_items(edition=last_year, items=items[:-1], user=operator)
        run(last_year, *forward(last_year))
        # What the publication task does, here and now: the signed PDF, then publication.
        dip_services.edition_document_build(edition_id=last_year.pk)
        dip_services.record_document_build(edition_id=last_year.pk)
        services.edition_publish(edition_id=last_year.pk)

        current = services.edition_open(
            body=body, kind=kind, year=2026, title=f"{kind.upper()} 2026", user=operator
        )
        dip_services.edition_add_items(edition=current, items=items, user=operator)
        run(current, *forward(current, until="submit"), "return", "submit")
