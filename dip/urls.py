from django.urls import path

from dip.views import (
    announcements,
    classification,
    downloads,
    feeds,
    imports,
    opendata,
    public,
    register,
    rowflags,
    verify,
)

app_name = "dip"

PUBLIC_EDITION = "badan-publik/<slug:slug>/edisi/<int:pk>/"
PUBLIC_ROW = f"{PUBLIC_EDITION}informasi/<int:number>/"

urlpatterns = [
    # The officers' register.
    path("badan/<slug:slug>/informasi/", register.item_list, name="items"),
    path("badan/<slug:slug>/informasi/unduh.xlsx", register.item_export, name="item_export"),
    path("badan/<slug:slug>/informasi/baru/", register.item_create, name="item_create"),
    path("badan/<slug:slug>/informasi/impor/", imports.import_start, name="import_start"),
    path(
        "badan/<slug:slug>/informasi/impor/templat.xlsx",
        imports.import_template,
        {"extension": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "badan/<slug:slug>/informasi/impor/templat.csv",
        imports.import_template,
        {"extension": "csv"},
        name="import_template_csv",
    ),
    path("impor/<int:pk>/", imports.import_job, name="import_job"),
    path("impor/<int:pk>/kemajuan/", imports.import_progress_fragment, name="import_progress"),
    path("impor/<int:pk>/kolom/", imports.import_mapping, name="import_mapping"),
    path("impor/<int:pk>/mulai/", imports.import_commit, name="import_commit"),
    path("impor/<int:pk>/batalkan/", imports.import_discard, name="import_discard"),
    path("informasi/<int:pk>/", register.item_detail, name="item"),
    path("informasi/<int:pk>/ubah/", register.item_update, name="item_update"),
    path("informasi/<int:pk>/hapus/", register.item_delete, name="item_delete"),
    path("informasi/<int:pk>/lampiran/", register.attachments_upload, name="attachments"),
    path("informasi/<int:pk>/sudah-diperbarui/", rowflags.mark_updated, name="mark_updated"),
    path("informasi/<int:pk>/buka-kembali/", rowflags.exemption_reopen, name="exemption_reopen"),
    path("informasi/<int:pk>/uji-ulang/", rowflags.exemption_retest, name="exemption_retest"),
    path(
        "informasi/<int:pk>/peristiwa-terjadi/",
        rowflags.exemption_event_close,
        name="exemption_event_close",
    ),
    path(
        "informasi/<int:pk>/usulan-klasifikasi/",
        classification.propose,
        name="classification_change",
    ),
    path(
        "perubahan-klasifikasi/<int:pk>/putuskan/",
        classification.decide,
        name="classification_change_decide",
    ),
    path("lampiran/<int:pk>/unduh/", register.attachment_download, name="attachment_download"),
    path(
        "lampiran/<int:pk>/gambar-kecil/",
        register.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    # The public website (no login); the home page is ppid.urls' "home".
    path("badan-publik/<slug:slug>/", public.body_page, name="public_body"),
    path("data/catalog.jsonld", opendata.catalog, name="catalog"),
    path("umpan.atom", feeds.feed, name="feed"),
    path("badan-publik/<slug:slug>/umpan.atom", feeds.feed, name="body_feed"),
    path("pengumuman/", announcements.announcement_list, name="announcements"),
    path(
        "pengumuman/<int:pk>/cetak-besar/",
        announcements.announcement_large_print,
        name="announcement_large_print",
    ),
    path("pengumuman/<int:pk>/suara/", announcements.announcement_audio, name="announcement_audio"),
    path(
        "badan-publik/<slug:slug>/pengumuman/",
        announcements.body_announcement_list,
        name="body_announcements",
    ),
    path(PUBLIC_EDITION, public.edition_page, name="public_edition"),
    path(f"{PUBLIC_EDITION}dokumen.pdf", downloads.edition_pdf, name="public_edition_pdf"),
    path(
        f"{PUBLIC_EDITION}berita-acara.pdf",
        downloads.edition_record_pdf,
        name="public_edition_record_pdf",
    ),
    path(f"{PUBLIC_EDITION}daftar.csv", downloads.edition_csv, name="public_edition_csv"),
    path(f"{PUBLIC_EDITION}daftar.xlsx", downloads.edition_xlsx, name="public_edition_xlsx"),
    path(f"{PUBLIC_EDITION}daftar.json", downloads.edition_json, name="public_edition_json"),
    path(PUBLIC_ROW, public.row_page, name="public_row"),
    path(
        f"{PUBLIC_ROW}lampiran/<int:attachment_id>/",
        downloads.attachment_download,
        name="public_attachment",
    ),
    path(
        f"{PUBLIC_EDITION}dikecualikan/<int:number>/salinan/<int:attachment_id>/",
        downloads.redacted_copy_download,
        name="public_redacted_copy",
    ),
    path("verifikasi/", verify.verify, name="verify"),
    path("verifikasi/<str:code>/", verify.verify_code, name="verify_code"),
    path("bahasa/", verify.language, name="language"),
]
