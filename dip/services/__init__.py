"""Writes of the dip app, by concern: the register (items, attachments), editions, the signed
document, pushes to aggregators, row flags and announcements. Every write checks the actor's
role on the server. Callers import from here; the modules share `dip.services.common`."""

from dip.services import announcements, audio, classification, exemptions, reclassify, rowflags
from dip.services.attachments import attachments_create
from dip.services.deliveries import TransientDeliveryError, deliveries_create, delivery_send
from dip.services.documents import (
    DocumentNotFailed,
    edition_document_build,
    edition_document_retry,
    record_document_build,
)
from dip.services.editions import (
    edition_add_items,
    edition_amend_row,
    edition_append_items,
    edition_check_ready,
    edition_create,
    edition_decree_check,
    edition_freeze,
    edition_remove_item,
)
from dip.services.items import (
    item_create,
    item_delete,
    item_prepare,
    item_update,
    items_create_many,
)
from dip.services.records import (
    consideration_record_check,
    consideration_record_reset,
    consideration_record_save,
)
from dip.services.search import search_words_add

__all__ = [
    "DocumentNotFailed",
    "TransientDeliveryError",
    "announcements",
    "attachments_create",
    "audio",
    "classification",
    "consideration_record_check",
    "consideration_record_reset",
    "consideration_record_save",
    "deliveries_create",
    "delivery_send",
    "edition_add_items",
    "edition_amend_row",
    "edition_append_items",
    "edition_check_ready",
    "edition_create",
    "edition_decree_check",
    "edition_document_build",
    "edition_document_retry",
    "edition_freeze",
    "edition_remove_item",
    "exemptions",
    "item_create",
    "item_delete",
    "item_prepare",
    "item_update",
    "items_create_many",
    "reclassify",
    "record_document_build",
    "rowflags",
    "search_words_add",
]
