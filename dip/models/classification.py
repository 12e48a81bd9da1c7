"""The vocabulary of an item: its classification, form and exemption grounds, the Perki
elements a row must carry, and the longest texts an officer may write."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    SERTA_MERTA = "serta_merta", _("Serta merta")
    BERKALA = "berkala", _("Berkala")
    SETIAP_SAAT = "setiap_saat", _("Setiap saat")
    DIKECUALIKAN = "dikecualikan", _("Dikecualikan")


# The order in which a DIP lists its rows: serta merta first (Pasal 10), then berkala, setiap saat.
CLASSIFICATION_ORDER = {
    Classification.SERTA_MERTA: 0,
    Classification.BERKALA: 1,
    Classification.SETIAP_SAAT: 2,
    Classification.DIKECUALIKAN: 3,
}


class InformationForm(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")
    BOTH = "both", _("Softcopy and hardcopy")


class ExemptionGround(models.TextChoices):
    A = "a", _("a. menghambat proses penegakan hukum")
    B = "b", _("b. mengganggu perlindungan HKI dan persaingan usaha tidak sehat")
    C = "c", _("c. membahayakan pertahanan dan keamanan negara")
    D = "d", _("d. mengungkapkan kekayaan alam Indonesia")
    E = "e", _("e. merugikan ketahanan ekonomi nasional")
    F = "f", _("f. merugikan kepentingan hubungan luar negeri")
    G = "g", _("g. isi akta otentik yang bersifat pribadi dan kemauan terakhir/wasiat")
    H = "h", _("h. mengungkap rahasia pribadi")
    I = "i", _("i. memorandum atau surat antar/intra badan publik yang dirahasiakan")  # noqa: E741
    J = "j", _("j. tidak boleh diungkapkan berdasarkan undang-undang")
    OTHER = "other", _("Another law (cite its name and article)")


PERMANENT_GROUNDS = frozenset({ExemptionGround.G, ExemptionGround.H})
GROUNDS_NEEDING_LAW = frozenset({ExemptionGround.J, ExemptionGround.OTHER})
EXEMPTION_FIELDS = (
    "exempted_part",
    "exemption_ground",
    "exemption_law",
    "consequence_if_opened",
    "consequence_if_closed",
    "public_interest",
    "exemption_until",
    "exemption_event",
    "exemption_permanent",
)
# The Perki elements every DIP row must have before an edition can be submitted.
PERKI_FIELDS = (
    "title",
    "summary",
    "holding_unit",
    "responsible",
    "produced_at",
    "produced_place",
    "form",
    "retention",
)
# Every field an officer fills in for an item (forms, API, services).
ITEM_FIELDS = (
    "unit",
    "classification",
    "update_period_months",
    *PERKI_FIELDS,
    *EXEMPTION_FIELDS,
)
DIK_FIELDS = (
    "exemption_ground",
    "consequence_if_opened",
    "consequence_if_closed",
    "public_interest",
)


# The Perki elements stored as a nullable column (a date), empty as NULL; the others are text,
# empty as "".
PERKI_NULLABLE = frozenset({"produced_at"})


# The longest free text an officer may write in an item (a DIP row's summary is read in a table
# cell; the consequence test is an argued page or two). Signed rows copy them as they are.
SUMMARY_MAX_LENGTH = 2000
EXEMPTED_PART_MAX_LENGTH = 500
CONSEQUENCE_MAX_LENGTH = 5000
