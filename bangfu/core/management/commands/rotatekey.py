from django.core.management.base import BaseCommand, CommandError

from bangfu.core import crypto, rotation, sensitive


class Command(BaseCommand):
    help = ("Re-encrypt every personal identifier under the current field key (BANGFU_FIELD_KEY) in "
            "resumable batches; run it after moving the old key to BANGFU_FIELD_KEYS_RETIRED.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="rows per transaction (default 2000)")
        parser.add_argument("--dry-run", action="store_true", help="print what is left to re-encrypt, change nothing")

    def handle(self, *args, **options):
        if options["batch"] < 1:
            raise CommandError("--batch must be a positive number of rows")
        try:
            ring = crypto.key_ring()
        except ValueError as exc:
            raise CommandError(f"a configured field key is unusable: {exc}") from None
        retired = ", ".join(key.key_id for key in ring.retired) or "none"
        self.stdout.write(f"Current field key {ring.current.key_id}; retired keys: {retired}")
        models = sensitive.sensitive_models()
        if options["dry_run"]:
            self._count(models, ring)
            return
        for model in models:
            self._rotate(model, options["batch"])
        self._retire(ring)

    def _count(self, models, ring):
        for model in models:
            left, total = rotation.count_stale(model, ring), model.objects.count()
            self.stdout.write(f"{model._meta.label}: {left} of {total} rows to re-encrypt")

    def _rotate(self, model, batch_size: int):
        label = model._meta.label

        def progress(done, total):
            self.stdout.write(f"{label}: {done}/{total} rows re-encrypted")

        try:
            done = rotation.rotate_model(model, batch_size=batch_size, progress=progress)
        except crypto.UnknownKey as exc:
            raise CommandError(f"{label}: {exc}. The batches before this one are done; configure the key "
                               "and run `bangfu rotatekey` again to go on.") from None
        if not done:
            self.stdout.write(f"{label}: nothing to re-encrypt")

    def _retire(self, ring):
        unused = rotation.retire_unused_keys(ring)
        if unused is None:
            raise CommandError(
                "Some rows are still under another key (written meanwhile by a server that still has the old "
                "BANGFU_FIELD_KEY?): restart every server with the new key and run `bangfu rotatekey` again.")
        self.stdout.write(self.style.SUCCESS(f"Every identifier is under field key {ring.current.key_id}."))
        for key_id in unused:
            self.stdout.write(f"Field key {key_id} holds no data any more: it may now be removed from "
                              "BANGFU_FIELD_KEYS_RETIRED.")
