from django.dispatch import Signal

# Sent after the commit that signed an edition (kwargs: edition_id). workflow.tasks queues the
# publication; the periodic sweep catches any that could not be queued.
edition_signed = Signal()

# Sent after the commit that created notices (kwargs: notice_ids). workflow.tasks queues one
# e-mail per notice.
notices_created = Signal()

# Sent after the commit of the atasan's answer to an objection (kwargs: objection_id).
# workflow.tasks queues the signed answer's build.
objection_answered = Signal()

# Sent after a commit that owes the requester an e-mail about an objection (kwargs: objection_id,
# event "filed" or "answered"). workflow.tasks queues the e-mail.
objection_requester_mail = Signal()
# Sent after the commit that changed a request for information (kwargs: request_id, event:
# "received", "extended" or "decided"). workflow.tasks builds the written notice of a decision
# and e-mails the requester (when an address was given).
request_event = Signal()
