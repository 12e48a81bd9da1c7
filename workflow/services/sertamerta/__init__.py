"""Serta merta announced at once (UU 14/2008 Pasal 10), not with the yearly edition.

The operator (or the PPID) of the body asks to announce one serta merta item
(`serta_merta_request_create`); the PPID of the body is told (notice and e-mail) and decides in
one step with its own short time standard (the body's own, set on its SOP page by the PPID
Utama or the atasan, else the project's `PPID_SERTA_MERTA_STANDARD_AMOUNT`/`_UNIT`, office time
by default one hour), stored on the request with its deadline when it is asked. Approval
(`serta_merta_request_approve`) announces the item on the public site in the same transaction
(`dip.services.announcements.item_announce_serta_merta`: the public pages are retired on commit,
the spoken version queued) and lists it in the next DIP; a return sends the note back to whoever
asked. The clock is a step's (`workflow.services.watch`): a reminder to the PPID at 80% of the
standard, terlambat to the PPID and the atasan at the deadline, and the escalation to the PPID
Utama over the body a grace period later, each once (`serta_merta_watch`, handed each due
request by the beat sweep, re-checks under the row's lock).

The package, by what each part does: `standards` (the body's time standard for the decision),
`requests` (asking, approving, returning) and `watch` (the request's clock). Callers import
from here.
"""

from workflow.services.sertamerta.requests import (
    RequestAlreadyDecided,
    serta_merta_request_approve,
    serta_merta_request_create,
    serta_merta_request_return,
)
from workflow.services.sertamerta.standards import (
    STANDARD_MAX_SECONDS,
    Standard,
    serta_merta_standard_set,
    standard,
)
from workflow.services.sertamerta.watch import next_notice_moment, serta_merta_watch

__all__ = [
    "STANDARD_MAX_SECONDS",
    "RequestAlreadyDecided",
    "Standard",
    "next_notice_moment",
    "serta_merta_request_approve",
    "serta_merta_request_create",
    "serta_merta_request_return",
    "serta_merta_standard_set",
    "serta_merta_watch",
    "standard",
]
