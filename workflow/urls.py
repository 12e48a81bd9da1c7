from django.urls import path

from workflow.views import (
    annual,
    audit,
    calendar,
    edition_actions,
    edition_documents,
    edition_rows,
    editions,
    evidence,
    notices,
    objections,
    public_requests,
    report,
    requests,
    review,
    routes,
    sertamerta,
    sops,
    tasks,
)

app_name = "workflow"

urlpatterns = [
    path("tugas/", tasks.tasks, name="tasks"),
    path("badan/", tasks.bodies, name="bodies"),
    path("dasbor/", tasks.dashboard, name="dashboard"),
    path("pemberitahuan/", notices.notice_list, name="notices"),
    path("pemberitahuan/<int:pk>/buka/", notices.notice_open, name="notice_open"),
    path("pemberitahuan/tandai-dibaca/", notices.notices_read_all, name="notices_read_all"),
    path("jejak-audit/", audit.audit_log, name="audit_log"),
    path("serta-merta/", sertamerta.serta_merta_list, name="serta_merta_list"),
    path("serta-merta/<int:pk>/", sertamerta.serta_merta_detail, name="serta_merta"),
    path(
        "serta-merta/<int:pk>/setujui/", sertamerta.serta_merta_approve, name="serta_merta_approve"
    ),
    path(
        "serta-merta/<int:pk>/kembalikan/", sertamerta.serta_merta_return, name="serta_merta_return"
    ),
    path("serta-merta/ajukan/<int:item_id>/", sertamerta.serta_merta_ask, name="serta_merta_ask"),
    path("badan/<slug:slug>/edisi/", editions.edition_list, name="editions"),
    path("badan/<slug:slug>/sop/", sops.sop_detail, name="sop"),
    path("badan/<slug:slug>/sop/<int:pk>/", sops.sop_version, name="sop_version"),
    path("badan/<slug:slug>/sop/<int:pk>/ubah/", sops.sop_edit, name="sop_edit"),
    path(
        "badan/<slug:slug>/sop/serta-merta/",
        sertamerta.serta_merta_standard,
        name="serta_merta_standard",
    ),
    path(
        "badan/<slug:slug>/sop/rute-bawaan/<slug:kind>/tetapkan/",
        routes.default_route_set,
        name="default_route_set",
    ),
    path(
        "badan/<slug:slug>/sop/rute-bawaan/<slug:kind>/tarik/",
        routes.default_route_withdraw,
        name="default_route_withdraw",
    ),
    path("badan/<slug:slug>/kalender/", calendar.calendar_page, name="calendar"),
    path("badan/<slug:slug>/kalender/hari/", calendar.calendar_day_add, name="calendar_day_add"),
    path(
        "badan/<slug:slug>/kalender/hari/<int:day_id>/hapus/",
        calendar.calendar_day_remove,
        name="calendar_day_remove",
    ),
    path("badan/<slug:slug>/kalender/jam-kerja/", calendar.calendar_hours, name="calendar_hours"),
    path("badan/<slug:slug>/kalender/ikuti/", calendar.calendar_follow, name="calendar_follow"),
    path("badan/<slug:slug>/laporan/", report.body_report, name="report"),
    path("badan/<slug:slug>/laporan.csv", report.body_report_csv, name="report_csv"),
    path("badan/<slug:slug>/monev/", evidence.evidence_packs, name="evidence_packs"),
    path(
        "badan/<slug:slug>/monev/<int:year>/buat/",
        evidence.evidence_pack_build,
        name="evidence_pack_build",
    ),
    path(
        "badan/<slug:slug>/monev/<int:year>/unduh.zip",
        evidence.evidence_pack_download,
        name="evidence_pack_download",
    ),
    path("badan/<slug:slug>/ikhtisar/", report.overview, name="overview"),
    path("badan/<slug:slug>/ikhtisar.csv", report.overview_csv, name="overview_csv"),
    path("edisi/<int:pk>/", editions.edition_detail, name="edition"),
    path("edisi/<int:pk>/pilih/", edition_rows.edition_pick, name="edition_pick"),
    path(
        "edisi/<int:pk>/keluarkan/<int:item_id>/",
        edition_rows.edition_unpick,
        name="edition_unpick",
    ),
    path("edisi/<int:pk>/aksi/<slug:name>/", edition_actions.edition_action, name="edition_action"),
    path("edisi/<int:pk>/nota-dinas/", review.nota_dinas, name="nota_dinas"),
    path("edisi/<int:pk>/nota-dinas/cetak/", review.nota_dinas_print, name="nota_dinas_print"),
    path("edisi/<int:pk>/linimasa/", editions.timeline, name="timeline"),
    path(
        "edisi/<int:pk>/dokumen/",
        edition_documents.edition_document_status,
        name="edition_document",
    ),
    path(
        "edisi/<int:pk>/dokumen/coba-lagi/",
        edition_documents.edition_document_retry,
        name="edition_document_retry",
    ),
    path(
        "edisi/<int:pk>/berita-acara/coba-lagi/",
        edition_documents.edition_document_retry,
        {"artefact": "record"},
        name="edition_record_retry",
    ),
    path(
        "edisi/<int:pk>/draf.pdf", edition_documents.edition_preview_pdf, name="edition_preview_pdf"
    ),
    path(
        "edisi/<int:pk>/dokumen.pdf",
        edition_documents.edition_document_pdf,
        name="edition_document_pdf",
    ),
    path("edisi/<int:pk>/komentar/", review.comment_add, name="comment_add"),
    path("edisi/<int:pk>/pertimbangan/", review.considerations, name="considerations"),
    path(
        "edisi/<int:pk>/pertimbangan/<int:item_id>/",
        review.consideration_record,
        name="consideration",
    ),
    path(
        "edisi/<int:pk>/berita-acara/",
        review.consideration_record_page,
        name="consideration_record",
    ),
    path("riwayat/informasi/<int:item_id>/", review.item_history, name="item_history"),
    # The annual report of information service (Pasal 12).
    path("badan/<slug:slug>/laporan-tahunan/", annual.body_annual, name="annual"),
    path("badan/<slug:slug>/laporan-tahunan.csv", annual.body_annual_csv, name="annual_csv"),
    path("badan/<slug:slug>/laporan-tahunan.pdf", annual.body_annual_pdf, name="annual_pdf"),
    path(
        "badan/<slug:slug>/laporan-tahunan/ikhtisar/",
        annual.overview_annual,
        name="annual_overview",
    ),
    path(
        "badan/<slug:slug>/laporan-tahunan/ikhtisar.csv",
        annual.overview_annual_csv,
        name="annual_overview_csv",
    ),
    path(
        "badan/<slug:slug>/laporan-tahunan/ikhtisar.pdf",
        annual.overview_annual_pdf,
        name="annual_overview_pdf",
    ),
    # Objections (keberatan): the officers' register and answer, the requester's form.
    path("keberatan/", objections.objection_list, name="objections"),
    path("keberatan/<int:pk>/", objections.objection_detail, name="objection"),
    path("keberatan/<int:pk>/jawab/", objections.objection_answer, name="objection_answer"),
    path(
        "keberatan/<int:pk>/tanggapan/coba-lagi/",
        objections.objection_answer_retry,
        name="objection_answer_retry",
    ),
    path(
        "keberatan/<int:pk>/tanggapan.pdf",
        objections.objection_answer_pdf,
        name="objection_answer_pdf",
    ),
    path(
        "lacak-permohonan/<str:code>/keberatan/",
        objections.objection_public,
        name="objection_public",
    ),
    path(
        "lacak-permohonan/<str:code>/keberatan/<int:pk>/tanggapan.pdf",
        objections.objection_public_answer,
        name="objection_public_answer",
    ),
    # Requests for information: the officers' register and request pages.
    path("permohonan/", requests.request_list, name="requests"),
    path("permohonan/register.csv", requests.request_export, name="requests_csv"),
    path("permohonan/<int:pk>/", requests.request_detail, name="request"),
    path("permohonan/<int:pk>/serahkan/", requests.request_hand_over, name="request_hand_over"),
    path("permohonan/<int:pk>/catatan/", requests.request_note, name="request_note"),
    path("permohonan/<int:pk>/perpanjang/", requests.request_extend, name="request_extend"),
    path("permohonan/<int:pk>/putuskan/", requests.request_decide, name="request_decide"),
    path("permohonan/<int:pk>/diserahkan/", requests.request_delivered, name="request_delivered"),
    path(
        "permohonan/<int:pk>/pemberitahuan/coba-lagi/",
        requests.request_notice_retry,
        name="request_notice_retry",
    ),
    path(
        "permohonan/<int:pk>/pemberitahuan.pdf",
        requests.request_notice_pdf,
        name="request_notice_pdf",
    ),
    path("badan/<slug:slug>/permohonan/baru/", requests.request_create, name="request_create"),
    # The public side (no login): the form per body, the receipt, the tracking page.
    path(
        "badan-publik/<slug:slug>/permohonan/",
        public_requests.request_form,
        name="request_form",
    ),
    path(
        "badan-publik/<slug:slug>/permohonan/saran/",
        public_requests.request_suggestions,
        name="request_suggestions",
    ),
    path("lacak-permohonan/", public_requests.request_track_find, name="request_track_find"),
    path("lacak-permohonan/<str:code>/", public_requests.request_track, name="request_track"),
    path(
        "lacak-permohonan/<str:code>/tanda-terima/",
        public_requests.request_receipt,
        name="request_receipt",
    ),
    path(
        "lacak-permohonan/<str:code>/pemberitahuan.pdf",
        public_requests.request_notice_download,
        name="request_notice_download",
    ),
]
