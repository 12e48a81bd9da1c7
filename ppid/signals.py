"""What the project's lower layers (ppid, dip) announce without importing workflow.

`audit_event` is sent inside the writing transaction; the workflow app records it in the audit
trail (workflow/receivers.py), so the change and its audit entry commit together.
"""

from django.dispatch import Signal

# kwargs: actor, body (or None), action (str), target (model instance), data (dict)
audit_event = Signal()

# The same for many events at once, in one batch (kwargs: events, a list of dicts with the
# keys of audit_event): the spreadsheet import's thousands of new items.
audit_events = Signal()

# Sent after the commit that invited an officer (kwargs: user_id); ppid.tasks e-mails the
# one-time link to set a password.
account_invited = Signal()
