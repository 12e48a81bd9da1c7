"""Requests for information (permohonan informasi publik, UU 14/2008 Pasal 21-22, Perki 1/2021).

Anyone may ask, on the public form or the API (`request_receive` without a user), or at the
counter, by letter, telephone or e-mail, entered by the body's operator or PPID with the real
receipt date. The request is numbered at once in the body's register of the year (under the
body's row lock) and its deadline stored: the close of office on the 10th working day after
receipt by the body's office calendar. The PPID may extend it once, by at most 7 working days,
with a written reason (`request_extend`), and answers with the written notice
(`request_decide`): granted, partly granted, refused (citing a DIK row of the body, whose ground
and consequence test are copied into the notice), not held (and who holds it), or not yet
documented. The notice is rendered and signed as a PDF after commit (`workflow.services.
request_documents`), verifiable on /verifikasi/. The requester is e-mailed at receipt, at the
extension and at the decision when an address was given. The clock watch (`request_watch`)
reminds at 80%, marks terlambat and escalates once each, like a step's.

The package, by what each part does: `receipt` (receipt and numbering), `handling` (hand-over
and notes), `extension`, `decision` (the written notice), `watch` (the clock), `mail` (the
requester's e-mails), and `common` (what they share). Callers import from here.
"""

from workflow.services.requests.common import TARGET_TYPE, RequestAlreadyDecided
from workflow.services.requests.decision import (
    refusal_consequence_text,
    request_decide,
    request_mark_delivered,
    request_notice_retry,
)
from workflow.services.requests.extension import RequestAlreadyExtended, request_extend
from workflow.services.requests.handling import request_hand_over, request_note_add
from workflow.services.requests.mail import (
    requester_email_send,
    requester_email_text,
    tracking_url,
)
from workflow.services.requests.receipt import request_receive
from workflow.services.requests.watch import escalation_plan, request_watch

__all__ = [
    "TARGET_TYPE",
    "RequestAlreadyDecided",
    "RequestAlreadyExtended",
    "escalation_plan",
    "refusal_consequence_text",
    "request_decide",
    "request_extend",
    "request_hand_over",
    "request_mark_delivered",
    "request_note_add",
    "request_notice_retry",
    "request_receive",
    "request_watch",
    "requester_email_send",
    "requester_email_text",
    "tracking_url",
]
