from django.urls import path

from dip import views

app_name = "dip"

urlpatterns = [
    path("badan/<slug:slug>/informasi/", views.item_list, name="items"),
    path("badan/<slug:slug>/informasi/baru/", views.item_create, name="item_create"),
    path("informasi/<int:pk>/", views.item_detail, name="item"),
    path("informasi/<int:pk>/ubah/", views.item_update, name="item_update"),
    path("informasi/<int:pk>/hapus/", views.item_delete, name="item_delete"),
    path("informasi/<int:pk>/lampiran/", views.attachments_upload, name="attachments"),
    path("lampiran/<int:pk>/unduh/", views.attachment_download, name="attachment_download"),
    path(
        "lampiran/<int:pk>/gambar-kecil/",
        views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
]
