"""Serializers of editions and their review records, serta merta requests, objections and
requests for information, for the JSON API (and any other channel that speaks of them to
officers or, for the public ones, to the requester).

The package, by what each part does: `editions` (an edition, its rows, transitions and
history), `review` (nota dinas, berita acara, comments, considerations), `documents` (the
signed artefacts' builds), `sertamerta`, `objections` and `requests`. Callers may import from
here.
"""

from workflow.serializers.documents import (
    EditionDocumentSerializer,
    RecordDocumentSerializer,
)
from workflow.serializers.editions import (
    BlockedTransitionSerializer,
    EditionCreateSerializer,
    EditionEntrySerializer,
    EditionListSerializer,
    EditionPageSerializer,
    EditionRowsSerializer,
    EditionSerializer,
    HistorySerializer,
    ItemIdsSerializer,
    NoteSerializer,
    SignedRowSerializer,
    TransitionSerializer,
)
from workflow.serializers.objections import (
    ObjectionAnswerSerializer,
    ObjectionFiledSerializer,
    ObjectionFileSerializer,
    ObjectionSerializer,
)
from workflow.serializers.requests import (
    DecisionSerializer,
    InformationRequestListSerializer,
    InformationRequestSerializer,
    ObjectionBriefSerializer,
    PublicRequestCreateSerializer,
    PublicRequestReceiptSerializer,
    PublicRequestStatusSerializer,
    RequestDecideSerializer,
    RequestExtendSerializer,
    decision_data,
)
from workflow.serializers.review import (
    ConsiderationRecordSerializer,
    ConsiderationSerializer,
    NotaDinasSerializer,
    RecordMemberSerializer,
    ReviewCommentSerializer,
)
from workflow.serializers.sertamerta import (
    SertaMertaAnnouncementSerializer,
    SertaMertaCreateSerializer,
    SertaMertaRequestSerializer,
)

__all__ = [
    "BlockedTransitionSerializer",
    "ConsiderationRecordSerializer",
    "ConsiderationSerializer",
    "DecisionSerializer",
    "EditionCreateSerializer",
    "EditionDocumentSerializer",
    "EditionEntrySerializer",
    "EditionListSerializer",
    "EditionPageSerializer",
    "EditionRowsSerializer",
    "EditionSerializer",
    "HistorySerializer",
    "InformationRequestListSerializer",
    "InformationRequestSerializer",
    "ItemIdsSerializer",
    "NotaDinasSerializer",
    "NoteSerializer",
    "ObjectionAnswerSerializer",
    "ObjectionBriefSerializer",
    "ObjectionFileSerializer",
    "ObjectionFiledSerializer",
    "ObjectionSerializer",
    "PublicRequestCreateSerializer",
    "PublicRequestReceiptSerializer",
    "PublicRequestStatusSerializer",
    "RecordDocumentSerializer",
    "RecordMemberSerializer",
    "RequestDecideSerializer",
    "RequestExtendSerializer",
    "ReviewCommentSerializer",
    "SertaMertaAnnouncementSerializer",
    "SertaMertaCreateSerializer",
    "SertaMertaRequestSerializer",
    "SignedRowSerializer",
    "TransitionSerializer",
    "decision_data",
]
