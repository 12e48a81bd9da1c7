"""The organisation: the province, its kabupaten and kota (each a PPID Utama), the OPDs under
them with their units, an officer for each role in each body, and the default routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from dip.models import EditionKind
from ppid.models import Body, BodyUserObjectPermission, Officer, Role, Unit
from workflow import scale_data as words
from workflow import services

if TYPE_CHECKING:
    from workflow.management.scale.seed import ScaleSeed

User = get_user_model()

STAFF = (Role.OPERATOR, Role.PPID, Role.TIM, Role.ATASAN)
POSITIONS = {
    Role.OPERATOR: "Operator PPID Pelaksana {short}",
    Role.PPID: "PPID Pelaksana {short}",
    Role.TIM: "Ketua Tim Pertimbangan {short}",
    Role.ATASAN: "Kepala {name}",
}
FIRST_NAMES = [
    "Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gusti", "Hendra", "Indah", "Joko",
    "Kartini", "Lestari", "Made", "Nurul", "Oktavia", "Putri", "Rahmat", "Siti", "Taufik",
    "Utin", "Wahyu", "Yuliana", "Zulkifli", "Rizky", "Ayu", "Dayang", "Syarif", "Hairani",
]  # fmt: skip
LAST_NAMES = [
    "Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kurniawan", "Rahayu", "Lestari",
    "Nugroho", "Siregar", "Harahap", "Firmansyah", "Alkadrie", "Panjaitan", "Setiawan",
    "Maulana", "Anggraini", "Ramadhan", "Hasibuan", "Syahputra",
]  # fmt: skip


def add_bodies(seed: ScaleSeed) -> str:
    province = Body.objects.create(
        slug=words.PROVINCE["slug"],
        name=words.PROVINCE["name"],
        short_name=words.PROVINCE["short_name"],
        address=words.PROVINCE["address"],
    )
    regions = [(province, words.PROVINCE["region"], "Pontianak")]
    for name, seat in words.KABUPATEN[: seed.sizes.kabupaten]:
        place = name.split(" ", 1)[1]
        body = Body.objects.create(
            slug=slugify(f"ppid {name}"),
            name=f"Pemerintah {name}",
            short_name=f"PPID Utama {place}",
            address=f"{seat}, {name}, Kalimantan Barat",
            parent=province,
        )
        regions.append((body, name, seat))
    seed.province = province
    seed.utama_bodies = [r[0] for r in regions]
    opds = []
    for n in range(seed.sizes.bodies):
        parent, region, seat = regions[n % len(regions)]
        kind, lap = divmod(n // len(regions), len(words.OPD))[::-1]
        full, short = words.OPD[kind]
        suffix = f" {lap + 1}" if lap else ""
        opds.append(
            Body(
                slug=slugify(f"{short} {region}{suffix}")[:80],
                name=f"{full} {region}{suffix}",
                short_name=f"{short} {region.split(' ', 1)[1]}{suffix}"[:80],
                address=f"{seat}, {region}, Kalimantan Barat",
                parent=parent,
                created_at=seed.now,
            )
        )
    seed.bodies = Body.objects.bulk_create(opds, batch_size=1000)
    units = []
    for body in seed.bodies:
        count = seed.rng.randint(4, len(words.UNITS))
        units += [Unit(body=body, name=name) for name in words.UNITS[:count]]
    Unit.objects.bulk_create(units, batch_size=5000)
    seed.units = {}
    for unit in Unit.objects.filter(body__in=seed.bodies).order_by("pk"):
        seed.units.setdefault(unit.body_id, []).append(unit)
    return f"{len(seed.bodies)} bodies under {len(regions)} PPID Utama, {len(units)} units"


def _person(seed: ScaleSeed) -> tuple[str, str]:
    return seed.rng.choice(FIRST_NAMES), seed.rng.choice(LAST_NAMES)


def _nip(seed: ScaleSeed) -> str:
    year = seed.rng.randint(1965, 1995)
    return (
        f"{year}{seed.rng.randint(1, 12):02d}{seed.rng.randint(1, 28):02d} "
        f"{year + seed.rng.randint(22, 28)}{seed.rng.randint(1, 12):02d} "
        f"{seed.rng.randint(1, 2)} {seed.rng.randint(1, 999):03d}"
    )


def add_officers(seed: ScaleSeed) -> str:
    """The PPID Utama of each region, and an operator, a PPID, a tim and an atasan in each
    body, all with the same password (hashed once)."""
    people: list[tuple[str, Body, Role, str]] = []
    for body in seed.utama_bodies:
        username = f"{body.slug}.{Role.PPID_UTAMA.value}"
        people.append((username, body, Role.PPID_UTAMA, f"PPID Utama {body.name}"))
    for body in seed.bodies:
        for role in STAFF:
            position = POSITIONS[role].format(short=body.short_name, name=body.name)
            people.append((f"{body.slug}.{role.value}"[:150], body, role, position[:255]))
    users = []
    for username, _body, _role, _position in people:
        first, last = _person(seed)
        users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                password=seed.password_hash,
                is_active=True,
                date_joined=seed.now,
            )
        )
    users = User.objects.bulk_create(users, batch_size=2000)
    Officer.objects.bulk_create(
        [
            Officer(user=user, position=position, nip=_nip(seed))
            for user, (_u, _b, _r, position) in zip(users, people, strict=True)
        ],
        batch_size=2000,
    )
    body_type = ContentType.objects.get_for_model(Body)
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=body_type, codename__in=[r.codename for r in Role]
        )
    }
    BodyUserObjectPermission.objects.bulk_create(
        [
            BodyUserObjectPermission(
                user=user, content_object=body, permission=permissions[role.codename]
            )
            for user, (_u, body, role, _p) in zip(users, people, strict=True)
        ],
        batch_size=2000,
    )
    seed.officer = {
        (body.pk, role.value): user
        for user, (_u, body, role, _p) in zip(users, people, strict=True)
    }
    seed.users = users
    return f"{len(users)} officers with their roles"


def add_routes(seed: ScaleSeed) -> str:
    """The province's PPID Utama sets the Perki default routes; every body follows them."""
    utama = seed.officer[(seed.province.pk, Role.PPID_UTAMA.value)]
    seed.routes = {}
    for kind in EditionKind.values:
        sop = services.default_route_set(body=seed.province, kind=kind, user=utama)
        seed.routes[kind] = services.sop_route(sop)
    return "default DIP and DIK routes"
