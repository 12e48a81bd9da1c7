"""manage.py search_vocabulary: add the words of every signed row to the search vocabulary
(dip.services.search). Signing keeps it up to date; run this after rows were inserted some
other way (a bulk load, a restore from another engine). Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dip.services import search_words_add


class Command(BaseCommand):
    help = "Add the words of every signed row to the vocabulary that corrects search typos."

    def handle(self, *args, **options):
        added = search_words_add()
        self.stdout.write(f"{added} new words in the search vocabulary.")
