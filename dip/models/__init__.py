"""What is documented: information items, their attachments, and DIP/DIK editions.

A package by concern; every name is re-exported here, so `dip.models.<name>` (imports, the
migrations' `upload_to` paths, the API schema's enum names in settings) stays valid. The
modules are imported in the order of the concerns (not alphabetically): the app registry then
lists the models as the single module that came before declared them (one swap:
AnnouncementAudio now comes before ClassificationChange), the order a backup starts its
dependency sort from.
"""

# isort: off
from dip.models.classification import (
    CLASSIFICATION_ORDER,
    CONSEQUENCE_MAX_LENGTH,
    DIK_FIELDS,
    EXEMPTED_PART_MAX_LENGTH,
    EXEMPTION_FIELDS,
    GROUNDS_NEEDING_LAW,
    ITEM_FIELDS,
    PERKI_FIELDS,
    PERKI_NULLABLE,
    PERMANENT_GROUNDS,
    SUMMARY_MAX_LENGTH,
    Classification,
    ExemptionGround,
    InformationForm,
)
from dip.models.items import (
    ROW_FLAG_FIELDS,
    Attachment,
    AttachmentKind,
    Item,
    add_months,
    attachment_path,
    items_incomplete,
    thumbnail_path,
)
from dip.models.editions import (
    DECREE_NUMBER_MAX_LENGTH,
    EDITABLE_STAGES,
    FORWARD,
    REVIEW_STAGES,
    STAGE_ORDER,
    SYSTEM_ACTOR,
    TRANSITIONS,
    Edition,
    EditionKind,
    Stage,
    TransitionSpec,
    revision_label,
)
from dip.models.rows import EditionItem, EditionRow, SearchWord
from dip.models.documents import (
    RECORD_OPENING_MAX_LENGTH,
    ConsiderationRecord,
    DocumentStatus,
    EditionDocument,
    RecordDocument,
    SignedArtefact,
)
from dip.models.deliveries import DELIVERY_MAX_ATTEMPTS, Aggregator, Delivery, DeliveryStatus
from dip.models.announcements import (
    ANNOUNCEMENT_FIELDS,
    Announcement,
    AnnouncementAudio,
    AnnouncementKind,
)
from dip.models.changes import OPEN_CHANGE_STATES, ChangeOrigin, ChangeState, ClassificationChange
from dip.models.imports import ImportJob, ImportMapping, ImportStatus
# isort: on

__all__ = [
    "ANNOUNCEMENT_FIELDS",
    "CLASSIFICATION_ORDER",
    "CONSEQUENCE_MAX_LENGTH",
    "DECREE_NUMBER_MAX_LENGTH",
    "DELIVERY_MAX_ATTEMPTS",
    "DIK_FIELDS",
    "EDITABLE_STAGES",
    "EXEMPTED_PART_MAX_LENGTH",
    "EXEMPTION_FIELDS",
    "FORWARD",
    "GROUNDS_NEEDING_LAW",
    "ITEM_FIELDS",
    "OPEN_CHANGE_STATES",
    "PERKI_FIELDS",
    "PERKI_NULLABLE",
    "PERMANENT_GROUNDS",
    "RECORD_OPENING_MAX_LENGTH",
    "REVIEW_STAGES",
    "ROW_FLAG_FIELDS",
    "STAGE_ORDER",
    "SUMMARY_MAX_LENGTH",
    "SYSTEM_ACTOR",
    "TRANSITIONS",
    "Aggregator",
    "Announcement",
    "AnnouncementAudio",
    "AnnouncementKind",
    "Attachment",
    "AttachmentKind",
    "ChangeOrigin",
    "ChangeState",
    "Classification",
    "ClassificationChange",
    "ConsiderationRecord",
    "Delivery",
    "DeliveryStatus",
    "DocumentStatus",
    "Edition",
    "EditionDocument",
    "EditionItem",
    "EditionKind",
    "EditionRow",
    "ExemptionGround",
    "ImportJob",
    "ImportMapping",
    "ImportStatus",
    "InformationForm",
    "Item",
    "RecordDocument",
    "SearchWord",
    "SignedArtefact",
    "Stage",
    "TransitionSpec",
    "add_months",
    "attachment_path",
    "items_incomplete",
    "revision_label",
    "thumbnail_path",
]
