"""Objections (keberatan) to the atasan PPID, UU 14/2008 Pasal 35-37.

- `objection_file` (public, by the request's tracking code): on one of the grounds of Pasal
  35(1) a-g, within 30 working days of its reason arising, counted by the body's office
  calendar (`workflow.deadlines`): from the written notice (the decision), or, when the request
  was not answered (ground c), from the request's deadline. The atasan's answer is due 30
  working days after filing (`due_at`, stored then). Registered with a number per body and
  year; audited; the requester is e-mailed when an address was given.
- `objection_answer` (the atasan PPID of the body only): upheld or rejected, with a note. The
  transition, the audit row and the Komisi Informasi deadline (14 working days, Pasal 37) are
  written in one transaction; the tanggapan atasan is then rendered, signed with the body's key
  and stored as a signed artefact (`objection_answer_document_build`, from a task after
  commit), verifiable on `/verifikasi/` like the DIP.
- `objection_watch` (the clock sweep): the reminder at 80% of the atasan's time, "terlambat" at
  the deadline (the requester may then go to the Komisi Informasi within 14 working days of
  the lapse, stored then) and one escalation to the PPID Utama a grace period later, each once.

The package, by what each part does: `limits` (when an objection may be filed, and the Komisi
Informasi deadline), `filing`, `answer`, `document` (the signed answer), `mail` (the
requester's e-mails), `watch` (the clock), and `common` (what they share). Callers import from
here.
"""

from workflow.services.objections.answer import (
    ANSWER_DECISIONS,
    VERIFICATION_CODE_LENGTH,
    ObjectionAlreadyAnswered,
    can_answer_objection,
    new_verification_code,
    objection_answer,
)
from workflow.services.objections.common import objection_url
from workflow.services.objections.document import (
    ANSWER_ERROR_MAX,
    GROUND_WORDING,
    AnswerDocumentNotFailed,
    answer_context,
    answer_title,
    may_retry_answer_document,
    objection_answer_document_build,
    objection_answer_document_retry,
)
from workflow.services.objections.filing import objection_file
from workflow.services.objections.limits import (
    REFUSING_DECISIONS,
    dispute_deadline_set,
    filing_deadline,
    open_grounds,
    reason_arose_at,
)
from workflow.services.objections.mail import objection_requester_mail_send
from workflow.services.objections.watch import (
    objection_next_notice,
    objection_watch,
)

__all__ = [
    "ANSWER_DECISIONS",
    "ANSWER_ERROR_MAX",
    "GROUND_WORDING",
    "REFUSING_DECISIONS",
    "VERIFICATION_CODE_LENGTH",
    "AnswerDocumentNotFailed",
    "ObjectionAlreadyAnswered",
    "answer_context",
    "answer_title",
    "can_answer_objection",
    "dispute_deadline_set",
    "filing_deadline",
    "may_retry_answer_document",
    "new_verification_code",
    "objection_answer",
    "objection_answer_document_build",
    "objection_answer_document_retry",
    "objection_file",
    "objection_next_notice",
    "objection_requester_mail_send",
    "objection_url",
    "objection_watch",
    "open_grounds",
    "reason_arose_at",
]
