"""Writes of the dip app, by concern: the register (items, attachments), editions, the signed
document, pushes to aggregators, row flags and announcements. Every write checks the actor's
role on the server. Callers import from here; the modules share `dip.services.common`."""

from dip.services import announcements, audio, rowflags
from dip.services.attachments import attachments_create
from dip.services.deliveries import TransientDeliveryError, deliveries_create, delivery_send
from dip.services.documents import (
    DocumentNotFailed,
    edition_document_build,
    edition_document_retry,
)
from dip.services.editions import (
    edition_add_items,
    edition_amend_row,
    edition_append_items,
    edition_check_ready,
    edition_create,
    edition_freeze,
    edition_open_row,
    edition_remove_item,
)
from dip.services.items import item_create, item_delete, item_update

__all__ = [
    "DocumentNotFailed",
    "TransientDeliveryError",
    "announcements",
    "attachments_create",
    "audio",
    "deliveries_create",
    "delivery_send",
    "edition_add_items",
    "edition_amend_row",
    "edition_append_items",
    "edition_check_ready",
    "edition_create",
    "edition_document_build",
    "edition_document_retry",
    "edition_freeze",
    "edition_open_row",
    "edition_remove_item",
    "item_create",
    "item_delete",
    "item_update",
    "rowflags",
]
