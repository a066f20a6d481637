"""``manage.py rebuild_lemma_index``: index every live page of the site again in the lemmatised
index (``kuzbib_site.base.lemma_index``) and drop the entries of pages that are not live. Run it
once after installing (the index starts empty), after a bulk change made without Wagtail's
signals, and at the end of ``load_demo``."""

from django.core.management.base import BaseCommand

from kuzbib_site.base import lemma_index


class Command(BaseCommand):
    help = "Rebuild the lemmatised search index of live pages (Russian word forms)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=lemma_index.CHUNK,
            help="Pages indexed per transaction (default: %(default)s).",
        )

    def handle(self, *args, chunk_size=lemma_index.CHUNK, **options):
        count = lemma_index.rebuild(chunk_size=max(1, chunk_size))
        self.stdout.write(f"Lemma index: {count} live pages indexed.")
