from django.dispatch import Signal

# Sent after the commit that signed an edition (kwargs: edition_id). workflow.tasks queues the
# publication; the periodic sweep catches any that could not be queued.
edition_signed = Signal()
