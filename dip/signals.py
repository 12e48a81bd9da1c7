"""What dip announces to the rest of the project without importing it.

`audit_event` (defined in ppid.signals, shared with ppid) is sent inside the writing
transaction; the workflow app records it in the audit trail (workflow/apps.py connects the
receiver), so the row and its audit entry commit together.
"""

from django.dispatch import Signal

from ppid.signals import audit_event, audit_events

__all__ = ["audit_event", "audit_events", "edition_published"]

# Sent after the commit that published an edition (kwargs: edition_id); dip queues the
# pushes to the body's aggregators.
edition_published = Signal()

# Sent inside the transaction that flagged an item (kwargs: item, flag, key, since): a berkala
# row whose update is due ("berkala_due"), or an exemption that has ended ("exemption_ended").
# `key` names the event once per period; the workflow app notifies the body's officers.
row_flagged = Signal()

# Sent inside the transaction of a DIK's signature that closed (exempted) an item, once for each
# unsigned DIP of the body the row was taken out of (kwargs: edition, item, by_edition): the
# workflow app tells whoever must act on that DIP.
row_removed = Signal()

# Sent after the commit that made a public announcement (kwargs: announcement_id); dip queues
# its spoken version (dip.tasks).
announcement_made = Signal()

# Sent after the commit that confirmed a spreadsheet import (kwargs: job_id); dip queues the
# task that writes it (dip.tasks.run_import).
import_committed = Signal()
