"""The three source SOPs (../shared/seeds/) as data, word for word, and the demo register.

Where the source text lost the lane marks of a step, the actor is read from the activity text
(e.g. seed 000 step 2: "Memerintahkan petugas PPID" is the Ketua PPID). Where an SOP names no
return for a review step, the edition returns to the stage that handed it over.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from ppid.models import Role

PPID_UTAMA = {
    "slug": "ppid-utama-kalbar",
    "name": "PPID Utama Pemerintah Provinsi Kalimantan Barat",
    "short_name": "PPID Utama Kalbar",
    "address": "Jalan Ahmad Yani, Pontianak, Kalimantan Barat",
}

# Three levels, as in Kalimantan Barat: the province's PPID Utama, a kabupaten's PPID Utama
# under it, and the kabupaten's OPDs under that. Each kabupaten body has its own PPID Utama
# officer (`username`); a seed body names its kabupaten in "parent" (none: the province).
KABUPATEN = [
    {
        "slug": "pemkab-kapuas-hulu",
        "name": "Pemerintah Kabupaten Kapuas Hulu",
        "short_name": "PPID Utama Kapuas Hulu",
        "address": "Putussibau, Kabupaten Kapuas Hulu, Kalimantan Barat",
        "website": "https://ppid.kapuashulukab.go.id",
        "username": "ppid-utama-kapuas-hulu",
        "position": "PPID Utama Kabupaten Kapuas Hulu",
    },
    {
        "slug": "pemkab-kubu-raya",
        "name": "Pemerintah Kabupaten Kubu Raya",
        "short_name": "PPID Utama Kubu Raya",
        "address": "Sungai Raya, Kabupaten Kubu Raya, Kalimantan Barat",
        "website": "",
        "username": "ppid-utama-kubu-raya",
        "position": "PPID Utama Kabupaten Kubu Raya",
    },
]

BODIES = [
    {
        "slug": "dinsos-p3a-kapuas-hulu",
        "parent": "pemkab-kapuas-hulu",
        "name": "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Kapuas Hulu",
        "short_name": "Dinsos P3A Kapuas Hulu",
        "address": "Putussibau, Kabupaten Kapuas Hulu, Kalimantan Barat",
        "website": "https://ppid.kapuashulukab.go.id",
        "units": [
            "Sekretariat",
            "Bidang Rehabilitasi Sosial",
            "Bidang Perlindungan dan Jaminan Sosial",
            "Bidang Pemberdayaan Perempuan dan Perlindungan Anak",
        ],
        "officers": {
            "operator": ("Operator", "OPD", "Operator OPD", ""),
            "ppid": ("Ketua", "PPID Pembantu", "Ketua PPID Pembantu", ""),
            # The tim of the default DIK route (the SOP covers the DIP only).
            "tim": ("Tim", "Pertimbangan", "Tim Pertimbangan", ""),
            "atasan": (
                "MARTHA BANANG,",
                "S.H, M.M",
                "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak "
                "Kabupaten Kapuas Hulu",
                "19651123 199203 2 006",
            ),
        },
        "sop": {
            "applies_to": "dip",
            "number": "000.8.3.4./36/DSPPA/SET",
            "name": "Prosedur Pendokumentasian Informasi Publik",
            "made_on": date(2023, 1, 20),
            "revised_on": date(2023, 1, 23),
            "effective_on": date(2023, 1, 23),
            "approved_by": "Kepala Dinas Sosial, P3A",
            "legal_basis": (
                "Peraturan Menteri Pendayagunaan Aparatur Negara Nomor 35 Tahun 2012 tentang "
                "Pedoman Penyusunan Standar Operasional Prosedur Administrasi Pemerintahan;\n"
                "Permendagri Nomor 3 Tahun 2017 Tentang Pedoman Pengelolaan Pelayanan Informasi "
                "dan Doikumentasi Kementerian Dalam Negeri dan Pemerintah Daerah; dan\n"
                "Keputusan Kepala Dinas Komunikasi, Informatika Dan Statistik Kabupaten Kapuas "
                "Hulu Nomor 46 Tahun 2022 Tentang Penetapan Pejabat Pengelola Layanan Informasi "
                "dan Dokumentasi di Lingkungan Kabupaten Kapuas Hulu."
            ),
            "qualifications": (
                "memiliki kewenangan dalam Pengelolaan Pelayanan Informasi dan Dokumentasi di "
                "Lingkungan Pemerintah Kab. Kapuas Hulu;\n"
                "memahami dengan baik ketentuan yang berlaku dalam pelaksanaan kegiatan;\n"
                "dapat mengoperasikan komputer, jaringan internet, aplikasi website dan;\n"
                "mempunyai komitmen tinggi untuk menyelesaikan setiap tahapan kegiatan, tepat "
                "sasaran dan tepat waktu."
            ),
            "related": "",
            "equipment": "ATK\nPC/Laptop\nSinyal Internet\n"
            "Username dan Password ppid.kapuashulukab.go.id\n"
            "Form Surat Pengajuan Keberatan",
            "warnings": (
                "SOP ini merupakan prosedur baku yang wajib dilaksanakan dalam pelaksanaan "
                "proses Pendokumentasian Informasi Publik, dan jika tidak dilaksanakan akan "
                "mengakibatkan ketidakpastian, ketidaktransparanan, ketidaksinkronan dan "
                "ketidaktepatan waktu serta keterlambatan dalam proses Pendokumentasian "
                "Informasi Publik."
            ),
            "records": "",
            "lanes": [
                {"role": "operator", "label": "Operator OPD"},
                {"role": "ppid", "label": "PPID Pembantu"},
                {"role": "atasan", "label": "Kepala OPD"},
            ],
            "steps": [
                {
                    "number": 1,
                    "stage": "identification",
                    "role": "operator",
                    "lane": "Operator OPD",
                    "activity": "Melakukan Identifikasi terkait informasi yang akan di "
                    "dokumentasikan dan melaporkannya kepada ketua PPID",
                    "requirements": "Bahan Informasi",
                    "time_amount": 1,
                    "time_unit": "hari",
                    "output": "Tersedianya Data",
                },
                {
                    "number": 2,
                    "stage": "instruction",
                    "role": "ppid",
                    "lane": "PPID Pembantu",
                    "activity": "Memerintahkan petugas PPID untuk berkoordinasi dengan "
                    "bidang-bidang dalam menghimpun serta mendokumentasikan data "
                    "untuk informasi publik",
                    "requirements": "Data Informasi",
                    "time_amount": 15,
                    "time_unit": "menit",
                    "output": "Nota Dinas",
                },
                {
                    "number": 3,
                    "stage": "collection",
                    "role": "operator",
                    "lane": "Operator OPD",
                    "activity": "Mengumpulkan data dan informasi yang dibutuhkan dari berbagai "
                    "sumber dalam mendokumentasikan informasi publik dan "
                    "mengkalsifikasikan data hasil informasi menurut sifatnya "
                    "publik (serta merta, berkala dan setiap saat) dalam bentuk "
                    "soft file",
                    "requirements": "Nota Dinas, Bahan Informasi dari setiap bidang",
                    "time_amount": 1,
                    "time_unit": "hari",
                    "output": "Konsep Daftar informasi Publik",
                    "notes": "Serta Merta : Informasi yang wajib di umumkan seketika terjadinya "
                    "keadaan yang dapat mengancam hajat hidup orang banyak dan "
                    "ketertiban umum; Berkala : disediakan/diumumkan secara rutin, "
                    "teratur, dan dalam jangka waktu tertentu setidaknya setiap 6 "
                    "bulan sekali; Setiap saat : untuk memperolehnya harus dilakukan "
                    "dengan mengajukan permintaan, wajib dan rutin disediakan badan "
                    "publik",
                },
                {
                    "number": 4,
                    "stage": "verification",
                    "role": "ppid",
                    "lane": "PPID Pembantu",
                    "activity": "Memeriksa daftar informasi publik yang telah diklasifikasikan "
                    "menurut sifatnya. Jika disetujui maka akan disampaikan kepada "
                    "atasan PPID Jika tidak setuju menyerahkan kepada Petugas PPID "
                    "untuk diperbaiki",
                    "requirements": "Konsep Daftar Informasi Publik",
                    "time_amount": 15,
                    "time_unit": "menit",
                    "output": "Draft Daftar Informasi Publik",
                    "return_to": "collection",
                },
                {
                    "number": 5,
                    "stage": "approval",
                    "role": "atasan",
                    "lane": "Kepala OPD",
                    "activity": "Memeriksa Daftar Informasi Publik Jika setuju maka akan "
                    "ditandatangani jika tidak setuju mengembalikan kepada Ketua "
                    "PPID",
                    "requirements": "Draft Daftar Informasi Publik",
                    "time_amount": 15,
                    "time_unit": "menit",
                    "output": "Daftar Informasi Publik",
                    "return_to": "verification",
                },
                {
                    "number": 6,
                    "stage": "publication",
                    "role": "operator",
                    "lane": "Operator OPD",
                    "activity": "Daftar Informasi Publik yang telah ditandatangani atasan PPID "
                    "( Pimpinan Badan Publik) dipublikasikan di website dan "
                    "disimpan sebagai arsip",
                    "requirements": "Daftar Informasi Publik",
                    "time_amount": 30,
                    "time_unit": "menit",
                    "output": "Daftar Informasi Publik ditampilkan di Aplikasi "
                    "ppid.kapuashulu kab.go.id",
                },
            ],
        },
    },
    {
        "slug": "disdukcapil-kalbar",
        "name": "Dinas Kependudukan dan Pencatatan Sipil Provinsi Kalimantan Barat",
        "short_name": "Disdukcapil Kalbar",
        "address": "Pontianak, Kalimantan Barat",
        "website": "",
        "units": [
            "Sekretariat",
            "Bidang Pelayanan Pendaftaran Penduduk",
            "Bidang Pelayanan Pencatatan Sipil",
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
        ],
        "officers": {
            "operator": ("Petugas", "PPID Pembantu", "Petugas PPID Pembantu", ""),
            "ppid": ("Ketua", "PPID Pembantu", "Ketua PPID Pembantu", ""),
            # The tim and the atasan of the default DIK route (SOP 002 covers the DIP only, and
            # its PPID gives the DIP's final approval); the atasan is the head of the Dinas who
            # approved SOP 002.
            "tim": ("Tim", "Pertimbangan", "Tim Pertimbangan", ""),
            "atasan": (
                "YOHANES BUDIMAN,",
                "S.I.P., M.Si",
                "Kepala Dinas Kependudukan dan Pencatatan Sipil Provinsi Kalimantan Barat",
                "19691215 198903 1 004",
            ),
        },
        "sop": {
            "applies_to": "dip",
            "number": "065/2551/DISDUKCAPIL",
            "name": "Pendokumentasian Informasi Publik Secara Online",
            "made_on": date(2022, 4, 25),
            "revised_on": None,
            "effective_on": date(2022, 5, 1),
            "approved_by": "Kepala Dinas Kependudukan dan Pencatatan Sipil Provinsi Kalimantan "
            "Barat,  YOHANES BUDIMAN, S.I.P., M.Si Pembina Utama Muda NIP. "
            "19691215 198903 1 004",
            "legal_basis": (
                "1. Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik\n"
                "2. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik\n"
                "3. Peraturan Pemerintah Nomor 61 Tahun 2010 tentang Pelaksanaan UU Nomor 14 "
                "Tahun 2008 tentang Keterbukaan Informasi Publik\n"
                "4. Peraturan Komisi Informasi Nomor 1 Tahun 2010 tentang Standar Layanan "
                "Informasi Publik\n"
                "5. Peraturan Gubernur Kalimantan barat Nomor 22 Tahun 2016 tentang Pedoman "
                "Pengelolaan Informasi Publik dan Dokumentasi di Lingkungan Pemerintah Provinsi "
                "Kalimantan Barat\n"
                "6. Peraturan Daerah Nomor 8 Tahun 2016 tentang Pembentukan dan Susunan "
                "Perangkat Daerah Provinsi Kalimantan Barat sebagaimana telah diubah beberapa "
                "kali dan terakhir dengan Peraturan Daerah Nomor 5 Tahun 2021 tentang Peraturan "
                "Daerah Nomor 5 Tahun 2021 tentang Perubahan Kedua Atas Peraturan Daerah Nomor "
                "8 Tahun 2016 tentang Pembentukan dan Susunan Perangkat Daerah Provinsi "
                "Kalimantan Barat (Lembaran Daerah Provinsi Kalimantan Barat Tahun 2021 Nomor 5, "
                "Tambahan Lembaran Negara Daerah Provinsi Kalimantan Barat Nomor 5)\n"
                "7. Peraturan Gubernur Nomor 149 Tahun 2021 tentang Kedudukan, Susunan "
                "Organisasi, Tugas dan Fungsi Serta Tata Kerja Dinas Kependudukan dan Pencatatan "
                "Sipil Provinsi Kalimantan Barat (Berita Daerah Provinsi Kalimantan Barat Tahun "
                "2021 Nomor 149)"
            ),
            "qualifications": "1. Pendidikan minimal SLTA/Sederajat\n"
            "2. Memiliki pengetahuan mengenai pelayanan prima\n"
            "3. Memiliki tata krama",
            "related": "",
            "equipment": "1. Alat tulis kantor\n2. Materi informasi yang dibutuhkan\n"
            "3. Jaringan Internet",
            "warnings": "Jika SOP Pendokumentasian Informasi Publik Secara Online ini tidak "
            "dilaksanakan maka pelayanan prima tidak bisa dilaksanakan secara "
            "maksimal.",
            "records": "Disimpan dalam bentuk hardcopy dan softcopy",
            "lanes": [
                {"role": "operator", "label": "Petugas PPID Pembantu"},
                {"role": "ppid", "label": "Ketua PPID Pembantu"},
            ],
            "steps": [
                {
                    "number": 1,
                    "stage": "collection",
                    "role": "operator",
                    "lane": "Petugas PPID Pembantu",
                    "activity": "Mengumpulkan informasi dan dokumentasi publik (baik softfile "
                    "maupun hardfile) dari bidang ataupun seksi yang dikuasai oleh "
                    "Dinas Kependudukan dan Pencatatan Sipil Provinsi Kalimantan "
                    "Barat menggunakan form Daftar Informasi Publik (DIP) sebagai "
                    "panduannya",
                    "requirements": "Form Daftar Informasi Publik (DIP)",
                    "time_amount": 7,
                    "time_unit": "hari",
                    "output": "Informasi dan dokumentasi publik dari seksi dan bidang",
                },
                {
                    "number": 2,
                    "stage": "verification",
                    "role": "ppid",
                    "lane": "Ketua PPID Pembantu",
                    "activity": "Menyetujui seluruh informasi dan dokumentasi publik yang sudah "
                    "didaftar apabila sesuai dan lengkap, jika belum sesuai maka "
                    "dikembalikan untuk disesuaikan dan dilengkapi",
                    "requirements": "(1) Form Daftar Informasi Publik (DIP), (2) Informasi dan "
                    "dokumentasi publik dari seksi dan bidang",
                    "time_amount": 60,
                    "time_unit": "menit",
                    "output": "Informasi dan dokumentasi publik yang sudah disetujui",
                    "return_to": "collection",
                },
                {
                    "number": 3,
                    "stage": "publication",
                    "role": "operator",
                    "lane": "Petugas PPID Pembantu",
                    "activity": "Mengunggah informasi dan dokumen (apabila dalam bentuk hardcopy "
                    "maka harus discan terlebih dahulu) ke Sikedip dan Website Dinas "
                    "Kependudukan dan Pencatatan Sipil Provinsi Kalimantan Barat",
                    "requirements": "Informasi dan dokumentasi publik yang sudah disetujui",
                    "time_amount": 30,
                    "time_unit": "menit",
                    "output": "Informasi dan dokumentasi yang sudah terpublikasi",
                },
            ],
        },
    },
    {
        "slug": "disdukcapil-kubu-raya",
        "parent": "pemkab-kubu-raya",
        "name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kubu Raya",
        "short_name": "Disdukcapil Kubu Raya",
        "address": "Sungai Raya, Kabupaten Kubu Raya, Kalimantan Barat",
        "website": "",
        "units": [
            "Sekretariat",
            "Bidang Pelayanan Pendaftaran Penduduk",
            "Bidang Pelayanan Pencatatan Sipil",
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
        ],
        "officers": {
            "operator": ("Petugas", "Informasi", "Petugas Informasi/Operator", ""),
            "ppid": ("PPID", "Pelaksana", "PPID Pelaksana", ""),
            "tim": ("Tim", "Pertimbangan", "Tim Pertimbangan", ""),
            "atasan": (
                "Ir. WURMARINI,",
                "M.Si.",
                "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kubu Raya",
                "196803021993032006",
            ),
        },
        "sop": {
            "applies_to": "dik",
            "number": "000.8.3/122/Dukcapil-Sekre",
            "name": "Pendokumentasian Informasi Yang Dikecualikan",
            "made_on": date(2023, 7, 3),
            "revised_on": date(2023, 11, 7),
            "effective_on": date(2023, 12, 1),
            "approved_by": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kubu Raya  "
            "Ir. WURMARINI, M.Si. NIP. 196803021993032006",
            "legal_basis": (
                "1. Undang-undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik.\n"
                "2. Peraturan Pemerintah Nomor 61 Tahun 2010 tentang pelaksanaan Undang-undang "
                "Nomor 14 Tahun 2008.\n"
                "3. Peraturan Menteri Dalam Negeri Nomor 3 Tahun 2017 tentang Pedoman "
                "Pengelolaan Pelayanan Informasi dan Dokumentasi.\n"
                "4. Peraturan Komisi Informasi Nomor 1 Tahun 2021 tentang Standar Layanan "
                "Informasi Publik.\n"
                "5. Peraturan Bupati Nomor 22 Tahun 2023 Tentang Pedoman Standar Layanan "
                "Informasi di lingkungan Pemerintah Daerah Kabupaten Kubu Raya."
            ),
            "qualifications": "1. Memahami peraturan tentang Pelayanan Publik.\n"
            "2. Mengetahui tugas pokok dan fungsi.",
            "related": "1. SOP Pelayanan Permohonan Informasi Publik\n"
            "2. SOP Pendokumentasian Informasi Publik",
            "equipment": "1. Peraturan tentang Pelayanan Pengaduan Masyarakat\n"
            "2. Alat Tulis Kantor\n3. Komputer/Smartphone/Printer/Scanner",
            "warnings": "1. Jika SOP tidak dilaksanakan maka kegiatan permohonan informasi "
            "publik akan terkendala",
            "records": "1. Mengumpulkan informasi terkait dengan data.\n"
            "2. Melakukan Koordinasi dengan pihak terkait",
            "lanes": [
                {"role": "operator", "label": "Petugas Informasi/Operator"},
                {"role": "ppid", "label": "PPID Pelaksana"},
                {"role": "tim", "label": "Tim Pertimbangan"},
                {"role": "atasan", "label": "Atasan PPID"},
            ],
            "steps": [
                {
                    "number": 1,
                    "stage": "collection",
                    "role": "operator",
                    "lane": "Petugas Informasi/Operator",
                    "activity": "Operator PPID mengumpulkan, mengidentifikasi informasi yang "
                    "akan didokumentasikan.",
                    "requirements": "Bahan informasi",
                    "time_amount": 1,
                    "time_unit": "hari_kerja",
                    "output": "Identifikasi informasi publik yang dikecualikan",
                },
                {
                    "number": 2,
                    "stage": "verification",
                    "role": "ppid",
                    "lane": "PPID Pelaksana",
                    "activity": "PPID Pelaksana memeriksa, memverifikasi, dan memaraf "
                    "identifikasi dokumentasi publik yang dikecualikan.",
                    "requirements": "Identifikasi informasi publik yang dikecualikan",
                    "time_amount": 1,
                    "time_unit": "hari_kerja",
                    "output": "Identifikasi informasi publik yang dikecualikan dan telah diperiksa",
                    "return_to": "collection",
                },
                {
                    "number": 3,
                    "stage": "consideration",
                    "role": "tim",
                    "lane": "Tim Pertimbangan",
                    "activity": "Tim Pertimbangan memeriksa draft dokumen informasi publik yang "
                    "dikecualikan.",
                    "requirements": "Draft daftar informasi publik yang dikecualikan telah diparaf",
                    "time_amount": 2,
                    "time_unit": "hari_kerja",
                    "output": "Draft daftar informasi publik yang dikecualikan telah diperiksa "
                    "oleh tim pertimbangan",
                    "return_to": "verification",
                },
                {
                    "number": 4,
                    "stage": "approval",
                    "role": "atasan",
                    "lane": "Atasan PPID",
                    "activity": "Memeriksa dan menandatangani draft dokumen informasi publik "
                    "yang dikecualikan.",
                    "requirements": "Draft informasi publik yang dikecualikan dan telah diparaf",
                    "time_amount": 2,
                    "time_unit": "hari_kerja",
                    "output": "Daftar Informasi publik yang dikecualikan dan telah ditandatangani",
                    "return_to": "consideration",
                },
                {
                    "number": 5,
                    "stage": "publication",
                    "role": "operator",
                    "lane": "Petugas Informasi/Operator",
                    "activity": "Mendokumentasikan/mengarsipkan dokumen informasi publik yang "
                    "dikecualikan",
                    "requirements": "Daftar informasi publik telah yang dikecualikan "
                    "ditandatangani",
                    "time_amount": 1,
                    "time_unit": "jam",
                    "output": "Dokumen informasi publik yang dikecualikan",
                },
            ],
        },
    },
]

# The demo's requests for information (permohonan informasi), received online at seeding
# time at one body, so its register, the tracking page and the objection register show
# something: one waiting, one extended, one granted with an objection (keberatan) to it.
DEMO_REQUESTS_BODY = "dinsos-p3a-kapuas-hulu"
DEMO_REQUESTS = [
    {
        "name": "Siti Aminah",
        "address": "Jalan Kenanga 12, Putussibau",
        "phone": "0812-5555-0101",
        "occupation": "Wartawan",
        "identity_number": "6106015505900001",
        "information": "Jumlah penerima bantuan sosial per kecamatan tahun 2026",
        "purpose": "Bahan liputan",
        "obtain": "copy",
        "form": "softcopy",
        "delivery": "pickup",
    },
    {
        "name": "Budi Santoso",
        "address": "Jalan Lintas Selatan 3, Putussibau",
        "phone": "0813-5555-0202",
        "occupation": "Mahasiswa",
        "identity_number": "6106011203990002",
        "information": "Laporan realisasi anggaran program perlindungan anak tahun 2025",
        "purpose": "Penelitian skripsi",
        "obtain": "copy",
        "form": "hardcopy",
        "delivery": "pickup",
        "extend": "Data ada di beberapa bidang dan sedang dihimpun.",
    },
    {
        "name": "Yayasan Peduli Kapuas",
        "address": "Jalan Merdeka 7, Putussibau",
        "phone": "0561-555-0303",
        "occupation": "Lembaga swadaya masyarakat",
        "identity_number": "6106010101800003",
        "information": "Daftar panti sosial yang terdaftar dan jumlah penghuninya",
        "purpose": "Pemetaan layanan sosial",
        "obtain": "view",
        "form": "softcopy",
        "delivery": "pickup",
        "decide": "granted",
        "note": "Daftar dapat dilihat di ruang layanan PPID pada jam kerja.",
        "objection": (
            "d",
            "Yang kami minta termasuk jumlah penghuni; daftar yang diberikan tanpa jumlahnya.",
        ),
    },
]

PROVINCE_USERNAME = "ppid-utama"
ADMIN_USERNAME = "admin"


def demo_accounts() -> list[tuple[str, str, str]]:
    """Every account seed_demo creates: (username, body, role), as the README and the demo's
    sign-in page list them."""
    accounts = [
        (ADMIN_USERNAME, "—", str(_("Superuser"))),
        (PROVINCE_USERNAME, PPID_UTAMA["short_name"], str(Role.PPID_UTAMA.label)),
    ]
    accounts += [(k["username"], k["name"], str(Role.PPID_UTAMA.label)) for k in KABUPATEN]
    for body in BODIES:
        for role in body["officers"]:
            accounts.append((f"{body['slug']}.{role}", body["short_name"], str(Role(role).label)))
    return accounts


# A handful of realistic register entries per body: (unit, fields).
ITEMS = {
    "dinsos-p3a-kapuas-hulu": [
        (
            "Bidang Perlindungan dan Jaminan Sosial",
            {
                "title": "Informasi tanggap darurat bencana banjir dan lokasi pengungsian",
                "summary": "Lokasi posko pengungsian, jumlah pengungsi dan jalur distribusi "
                "bantuan logistik saat banjir.",
                "classification": "serta_merta",
                "holding_unit": "Bidang Perlindungan dan Jaminan Sosial",
                "responsible": "Kepala Bidang Perlindungan dan Jaminan Sosial",
                "produced_at": date(2026, 1, 14),
                "produced_place": "Putussibau",
                "form": "both",
                "retention": "5 tahun",
            },
        ),
        (
            "Sekretariat",
            {
                "title": "Laporan Keuangan Dinas Sosial P3A Tahun Anggaran 2025",
                "summary": "Laporan realisasi anggaran, neraca, dan catatan atas laporan keuangan.",
                "classification": "berkala",
                "update_period_months": 6,
                "holding_unit": "Sub Bagian Keuangan",
                "responsible": "Sekretaris Dinas",
                "produced_at": date(2026, 3, 2),
                "produced_place": "Putussibau",
                "form": "both",
                "retention": "10 tahun",
            },
        ),
        (
            "Sekretariat",
            {
                "title": "Rencana Kerja (Renja) Dinas Sosial P3A Tahun 2026",
                "summary": "Program, kegiatan, indikator kinerja dan pagu indikatif tahun 2026.",
                "classification": "berkala",
                "update_period_months": 6,
                "holding_unit": "Sub Bagian Perencanaan",
                "responsible": "Sekretaris Dinas",
                "produced_at": date(2025, 11, 20),
                "produced_place": "Putussibau",
                "form": "softcopy",
                "retention": "5 tahun",
            },
        ),
        (
            "Bidang Perlindungan dan Jaminan Sosial",
            {
                "title": "Rekapitulasi penerima Program Keluarga Harapan per kecamatan",
                "summary": (
                    "Jumlah keluarga penerima manfaat PKH per kecamatan "
                    "(data agregat, tanpa data pribadi)."
                ),
                "classification": "berkala",
                "update_period_months": 3,
                "holding_unit": "Seksi Jaminan Sosial Keluarga",
                "responsible": "Kepala Bidang Perlindungan dan Jaminan Sosial",
                "produced_at": date(2026, 6, 30),
                "produced_place": "Putussibau",
                "form": "softcopy",
                "retention": "5 tahun",
            },
        ),
        (
            "Bidang Rehabilitasi Sosial",
            {
                "title": "Standar pelayanan rehabilitasi sosial penyandang disabilitas",
                "summary": "Persyaratan, prosedur, jangka waktu dan biaya layanan rehabilitasi.",
                "classification": "setiap_saat",
                "holding_unit": "Bidang Rehabilitasi Sosial",
                "responsible": "Kepala Bidang Rehabilitasi Sosial",
                "produced_at": date(2024, 8, 5),
                "produced_place": "Putussibau",
                "form": "both",
                "retention": "Selama berlaku",
            },
        ),
        (
            "Bidang Pemberdayaan Perempuan dan Perlindungan Anak",
            {
                "title": "Data agregat kasus kekerasan terhadap perempuan dan anak 2025",
                "summary": "Jumlah kasus yang ditangani menurut jenis kekerasan dan kecamatan.",
                "classification": "setiap_saat",
                "holding_unit": "Bidang Pemberdayaan Perempuan dan Perlindungan Anak",
                "responsible": "Kepala Bidang PPPA",
                "produced_at": date(2026, 1, 31),
                "produced_place": "Putussibau",
                "form": "softcopy",
                "retention": "5 tahun",
            },
        ),
    ],
    "disdukcapil-kalbar": [
        (
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
            {
                "title": "Data agregat kependudukan per kabupaten/kota Semester I 2026",
                "summary": "Jumlah penduduk menurut jenis kelamin, kelompok umur, agama dan "
                "pendidikan per kabupaten/kota.",
                "classification": "berkala",
                "update_period_months": 6,
                "holding_unit": "Bidang PIAK",
                "responsible": "Kepala Bidang PIAK",
                "produced_at": date(2026, 7, 15),
                "produced_place": "Pontianak",
                "form": "softcopy",
                "retention": "Permanen",
            },
        ),
        (
            "Sekretariat",
            {
                "title": "Laporan Kinerja Instansi Pemerintah (LKjIP) 2025",
                "summary": "Capaian kinerja dinas terhadap perjanjian kinerja tahun 2025.",
                "classification": "berkala",
                "update_period_months": 6,
                "holding_unit": "Sub Bagian Program",
                "responsible": "Sekretaris Dinas",
                "produced_at": date(2026, 2, 27),
                "produced_place": "Pontianak",
                "form": "both",
                "retention": "10 tahun",
            },
        ),
        (
            "Bidang Pelayanan Pendaftaran Penduduk",
            {
                "title": "Persyaratan dan prosedur penerbitan KTP-el dan Kartu Keluarga",
                "summary": "Dokumen yang diperlukan, alur layanan dan jangka waktu penerbitan.",
                "classification": "setiap_saat",
                "holding_unit": "Bidang Pelayanan Pendaftaran Penduduk",
                "responsible": "Kepala Bidang Dafduk",
                "produced_at": date(2025, 9, 1),
                "produced_place": "Pontianak",
                "form": "both",
                "retention": "Selama berlaku",
            },
        ),
        (
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
            {
                "title": "Pengumuman gangguan layanan SIAK terpusat",
                "summary": "Pemberitahuan gangguan jaringan layanan dan jadwal pemulihan.",
                "classification": "serta_merta",
                "holding_unit": "Bidang PIAK",
                "responsible": "Kepala Bidang PIAK",
                "produced_at": date(2026, 10, 3),
                "produced_place": "Pontianak",
                "form": "softcopy",
                "retention": "2 tahun",
            },
        ),
    ],
    "disdukcapil-kubu-raya": [
        (
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
            {
                "title": "Data pribadi penduduk (NIK, nomor KK, data biometrik)",
                "summary": "Elemen data perseorangan dalam database kependudukan.",
                "classification": "dikecualikan",
                "holding_unit": "Bidang PIAK",
                "responsible": "Kepala Bidang PIAK",
                "produced_at": date(2025, 12, 31),
                "produced_place": "Sungai Raya",
                "form": "softcopy",
                "retention": "Permanen",
                "exemption_ground": "h",
                "consequence_if_opened": "Mengungkap rahasia pribadi penduduk dan membuka peluang "
                "penyalahgunaan identitas.",
                "consequence_if_closed": "Data pribadi terlindungi; layanan publik tetap berjalan.",
                "public_interest": "Kepentingan perlindungan data pribadi lebih besar daripada "
                "kepentingan publik untuk mengetahui.",
                "exemption_permanent": True,
            },
        ),
        (
            "Bidang Pelayanan Pencatatan Sipil",
            {
                "title": "Isi akta kelahiran, perkawinan dan perceraian penduduk",
                "summary": "Isi akta otentik pencatatan sipil yang bersifat pribadi.",
                "classification": "dikecualikan",
                "holding_unit": "Bidang Pelayanan Pencatatan Sipil",
                "responsible": "Kepala Bidang Capil",
                "produced_at": date(2025, 12, 31),
                "produced_place": "Sungai Raya",
                "form": "both",
                "retention": "Permanen",
                "exemption_ground": "g",
                "consequence_if_opened": "Mengungkap isi akta otentik yang bersifat pribadi.",
                "consequence_if_closed": "Kerahasiaan akta terjaga.",
                "public_interest": "Tidak terdapat kepentingan publik yang lebih besar.",
                "exemption_permanent": True,
            },
        ),
        (
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
            {
                "title": "Hak akses dan konfigurasi keamanan SIAK",
                "summary": "User ID, kata sandi dan konfigurasi jaringan aplikasi SIAK.",
                "classification": "dikecualikan",
                "holding_unit": "Bidang PIAK",
                "responsible": "Kepala Bidang PIAK",
                "produced_at": date(2026, 1, 5),
                "produced_place": "Sungai Raya",
                "form": "softcopy",
                "retention": "5 tahun",
                "exemption_ground": "j",
                "exemption_law": "Undang-Undang Nomor 24 Tahun 2013 tentang Perubahan atas "
                "Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi "
                "Kependudukan, Pasal 79",
                "consequence_if_opened": "Sistem dapat diretas dan data penduduk bocor.",
                "consequence_if_closed": "Keamanan database kependudukan terjaga.",
                "public_interest": "Keamanan data seluruh penduduk lebih penting.",
                "exemption_event": "Selama sistem tersebut masih digunakan",
            },
        ),
        (
            "Sekretariat",
            {
                "title": "Memorandum internal pembahasan rancangan kebijakan layanan keliling",
                "summary": "Nota dinas dan telaahan staf yang belum menjadi keputusan.",
                "classification": "dikecualikan",
                "holding_unit": "Sekretariat",
                "responsible": "Sekretaris Dinas",
                "produced_at": date(2026, 4, 10),
                "produced_place": "Sungai Raya",
                "form": "hardcopy",
                "retention": "2 tahun",
                "exemption_ground": "i",
                "consequence_if_opened": "Mengganggu proses pengambilan keputusan yang belum "
                "selesai.",
                "consequence_if_closed": "Pembahasan internal dapat berlangsung terbuka dan jujur.",
                "public_interest": "Kebijakan akhir akan diumumkan setelah ditetapkan.",
                "exemption_until": date(2027, 12, 31),
            },
        ),
    ],
}
