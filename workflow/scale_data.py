"""Words for the province-scale data set (`manage.py seed_scale`): the kabupaten and kota of
Kalimantan Barat, the kinds of OPD a Pemda has, their units, and title patterns per
classification. Plain data, no logic."""

PROVINCE = {
    "slug": "scale-ppid-utama-kalbar",
    "name": "PPID Utama Pemerintah Provinsi Kalimantan Barat",
    "short_name": "PPID Utama Kalbar",
    "address": "Jalan Ahmad Yani, Pontianak",
    "region": "Provinsi Kalimantan Barat",
}

# 12 kabupaten and 2 kota: the 14 second-level regions of Kalimantan Barat.
KABUPATEN = [
    ("Kabupaten Bengkayang", "Bengkayang"),
    ("Kabupaten Kapuas Hulu", "Putussibau"),
    ("Kabupaten Kayong Utara", "Sukadana"),
    ("Kabupaten Ketapang", "Ketapang"),
    ("Kabupaten Kubu Raya", "Sungai Raya"),
    ("Kabupaten Landak", "Ngabang"),
    ("Kabupaten Melawi", "Nanga Pinoh"),
    ("Kabupaten Mempawah", "Mempawah"),
    ("Kabupaten Sambas", "Sambas"),
    ("Kabupaten Sanggau", "Sanggau"),
    ("Kabupaten Sekadau", "Sekadau"),
    ("Kabupaten Sintang", "Sintang"),
    ("Kota Pontianak", "Pontianak"),
    ("Kota Singkawang", "Singkawang"),
]

# (full name, short name) of the OPD a Pemda has; 40 of them, so 600 bodies are 40 per region
# (the province and its 14 kabupaten/kota).
OPD = [
    ("Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Sosial", "Dinsos"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Pertanian dan Ketahanan Pangan", "Distanpangan"),
    ("Dinas Perikanan", "Diskan"),
    ("Dinas Koperasi, Usaha Kecil dan Menengah", "Diskop UKM"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Dinas Pariwisata", "Dispar"),
    ("Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans"),
    ("Dinas Perumahan Rakyat dan Kawasan Permukiman", "Disperkim"),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "DPMD"),
    ("Dinas Perpustakaan dan Kearsipan", "Dispusip"),
    ("Dinas Kepemudaan dan Olahraga", "Dispora"),
    ("Dinas Perindustrian dan Perdagangan", "Disperindag"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A"),
    ("Dinas Pengendalian Penduduk dan Keluarga Berencana", "DPPKB"),
    ("Dinas Perkebunan dan Peternakan", "Disbunak"),
    ("Dinas Kehutanan", "Dishut"),
    ("Dinas Energi dan Sumber Daya Mineral", "Dinas ESDM"),
    ("Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar"),
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    ("Badan Keuangan dan Aset Daerah", "BKAD"),
    ("Badan Pendapatan Daerah", "Bapenda"),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Badan Kesatuan Bangsa dan Politik", "Kesbangpol"),
    ("Badan Riset dan Inovasi Daerah", "Brida"),
    ("Inspektorat Daerah", "Inspektorat"),
    ("Sekretariat Daerah", "Setda"),
    ("Sekretariat Dewan Perwakilan Rakyat Daerah", "Setwan"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Rumah Sakit Umum Daerah", "RSUD"),
    ("Bagian Pengadaan Barang dan Jasa", "Bagian PBJ"),
    ("Bagian Hukum", "Bagian Hukum"),
    ("Bagian Organisasi", "Bagian Organisasi"),
]

UNITS = [
    "Sekretariat",
    "Subbagian Umum dan Kepegawaian",
    "Subbagian Keuangan dan Aset",
    "Bidang Perencanaan dan Pelaporan",
    "Bidang Pelayanan",
    "Bidang Pembinaan dan Pengawasan",
    "Bidang Data dan Informasi",
    "UPT Daerah",
]

KECAMATAN = [
    "Pontianak Selatan",
    "Sungai Raya",
    "Sungai Ambawang",
    "Rasau Jaya",
    "Ngabang",
    "Sanggau Kapuas",
    "Sintang",
    "Putussibau Utara",
    "Nanga Pinoh",
    "Sambas",
    "Pemangkat",
    "Singkawang Barat",
    "Mempawah Hilir",
    "Sukadana",
    "Delta Pawan",
    "Bengkayang",
    "Sekadau Hilir",
    "Kubu",
    "Teluk Pakedai",
    "Jawai",
]

TOPICS = [
    "pendidikan anak usia dini",
    "sekolah dasar",
    "kesehatan ibu dan anak",
    "imunisasi dasar lengkap",
    "penanganan stunting",
    "jalan dan jembatan daerah",
    "air bersih dan sanitasi",
    "bantuan sosial tunai",
    "program keluarga harapan",
    "administrasi kependudukan",
    "perizinan berusaha",
    "retribusi daerah",
    "pajak daerah",
    "pengelolaan sampah",
    "kebakaran hutan dan lahan",
    "banjir musiman",
    "ketahanan pangan",
    "usaha mikro dan kecil",
    "perlindungan anak",
    "kepegawaian aparatur sipil negara",
    "aset tetap daerah",
    "pengadaan barang dan jasa",
    "perpustakaan desa",
    "pariwisata daerah",
    "transportasi sungai",
    "perkebunan kelapa sawit rakyat",
    "pelayanan terpadu satu pintu",
    "kerukunan umat beragama",
    "pemberdayaan perempuan",
    "dana desa",
]

TITLES = {
    "berkala": [
        "Laporan Keuangan {unit} Tahun {year}",
        "Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun {year}",
        "Rencana Kerja (Renja) Tahun {year}",
        "Laporan Realisasi Anggaran Semester {semester} Tahun {year}",
        "Data Statistik {topic} Triwulan {quarter} Tahun {year}",
        "Ringkasan Program dan Kegiatan {topic} Tahun {year}",
        "Laporan Akses Informasi Publik Tahun {year}",
        "Profil {body} Tahun {year}",
        "Daftar Penerima Manfaat {topic} Semester {semester} Tahun {year}",
        "Rencana Umum Pengadaan Tahun {year}",
    ],
    "setiap_saat": [
        "Surat Keputusan Kepala tentang {topic} Tahun {year}",
        "Standar Operasional Prosedur Pelayanan {topic}",
        "Notulen Rapat Koordinasi {topic} di Kecamatan {kecamatan}",
        "Daftar Aset Tetap {unit} Tahun {year}",
        "Dokumen Perjanjian Kerja Sama {topic} Tahun {year}",
        "Kajian Teknis {topic} di Kecamatan {kecamatan}",
        "Data Sarana dan Prasarana {topic} Tahun {year}",
        "Surat Edaran tentang {topic}",
        "Peraturan Daerah dan Peraturan Kepala Daerah tentang {topic}",
        "Dokumen Analisis Mengenai Dampak Lingkungan {topic}",
    ],
    "serta_merta": [
        "Peringatan Dini Banjir di Kecamatan {kecamatan}",
        "Informasi Kebakaran Hutan dan Lahan di Kecamatan {kecamatan}",
        "Pengumuman Kejadian Luar Biasa Penyakit di Kecamatan {kecamatan}",
        "Informasi Kualitas Udara Akibat Kabut Asap Tahun {year}",
        "Jalur Evakuasi dan Titik Kumpul Bencana Kecamatan {kecamatan}",
        "Informasi Gangguan Pasokan Air Bersih di Kecamatan {kecamatan}",
    ],
    "dikecualikan": [
        "Data Pribadi Penerima {topic} (NIK dan alamat)",
        "Berkas Penyelidikan Pelanggaran Peraturan Daerah di Kecamatan {kecamatan}",
        "Rekam Medis Pasien {unit}",
        "Dokumen Penilaian Kinerja Pegawai Tahun {year}",
        "Harga Perkiraan Sendiri Pengadaan {topic} Tahun {year}",
        "Memorandum Internal Pembahasan {topic}",
        "Data Lokasi Cadangan Mineral di Kecamatan {kecamatan}",
        "Akta Wasiat dan Dokumen Kependudukan Pribadi",
    ],
}

SUMMARY = (
    "Informasi mengenai {topic} yang dikuasai {unit}, disusun untuk keperluan pelayanan dan "
    "pelaporan {body}. Memuat data, dokumen pendukung, dan keterangan yang diperbarui sesuai "
    "ketentuan."
)

RETENTION = ["2 tahun aktif, 3 tahun inaktif", "5 tahun", "10 tahun", "Permanen", "1 tahun"]

# Ground → (law cited or "", consequence if opened, consequence if closed).
EXEMPTIONS = {
    "a": "Membuka informasi ini dapat menghambat proses penyelidikan dan penegakan hukum.",
    "b": "Membuka informasi ini dapat menimbulkan persaingan usaha yang tidak sehat.",
    "c": "Membuka informasi ini dapat membahayakan keamanan objek vital daerah.",
    "d": "Membuka informasi ini dapat mengungkap kekayaan alam yang dilindungi.",
    "e": "Membuka informasi ini dapat merugikan ketahanan ekonomi daerah.",
    "f": "Membuka informasi ini dapat merugikan hubungan kerja sama luar negeri.",
    "g": "Membuka informasi ini dapat mengungkap isi akta otentik yang bersifat pribadi.",
    "h": "Membuka informasi ini dapat mengungkap rahasia pribadi warga.",
    "i": "Membuka informasi ini dapat mengungkap memorandum internal yang dirahasiakan.",
    "j": "Membuka informasi ini dilarang oleh undang-undang.",
}
LAWS = [
    "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi, Pasal 4",
    "Undang-Undang Nomor 24 Tahun 2013 tentang Administrasi Kependudukan, Pasal 79",
    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan, Pasal 297",
]
CLOSED = "Informasi tetap terlindungi dan kepentingan yang dilindungi undang-undang terjaga."
PUBLIC_INTEREST = (
    "Kepentingan publik yang lebih besar terlindungi dengan menutup informasi ini; bagian lain "
    "dokumen tetap terbuka."
)
EVENTS = [
    "sampai putusan pengadilan berkekuatan hukum tetap",
    "sampai pengumuman pemenang tender",
    "sampai penyelidikan selesai",
]
NOTES = [
    "Sudah sesuai.",
    "Lengkapi ringkasan isi dan unit yang menguasai.",
    "Perbaiki klasifikasi beberapa baris.",
    "Mohon dilengkapi retensi arsip.",
    "Setuju untuk diteruskan.",
]
