"""python manage.py reindex_search [--batch-size N] [--model app_label.Model ...]: recompute
the keyword search columns (`search_text` and `search_bigrams`, see cocreation/core/search.py)
of every searchable model, after rows were written without their `save()` (a bulk load,
the benchmark's data set) or after the normaliser's rules changed."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocreation.core import page_cache, search


class Command(BaseCommand):
    help = (
        "Recompute the keyword search text and bigram index of every searchable model "
        "(quests, proposals, outcomes, organisations), in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows read and written at a time."
        )
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            help="Only this model (app_label.Model, e.g. quests.Quest); may be repeated.",
        )
        parser.add_argument(
            "--database", default="default", help="Alias in settings.DATABASES to reindex."
        )

    def handle(self, *args, batch_size, model, database, verbosity, **options):
        if batch_size < 1:
            raise CommandError(_("The batch size must be at least 1."))
        entries = search.searchables()
        known = {entry.model._meta.label_lower: entry for entry in entries}
        if model:
            unknown = [name for name in model if name.lower() not in known]
            if unknown:
                raise CommandError(
                    _("Not a searchable model: %(names)s. Searchable: %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))}
                )
            entries = [known[name.lower()] for name in model]
        for entry in entries:
            label = entry.model._meta.label
            count = search.reindex(
                entry.model,
                entry.documents,
                using=database,
                batch_size=batch_size,
                progress=(lambda done, label=label: self.stdout.write(f"  {label}: {done}"))
                if verbosity > 1
                else None,
            )
            search.settle_index(entry.model, using=database)
            if verbosity:
                self.stdout.write(
                    ngettext(
                        "%(model)s: %(count)d row reindexed.",
                        "%(model)s: %(count)d rows reindexed.",
                        count,
                    )
                    % {"model": label, "count": count}
                )
        # Kept anonymous pages include search results (bulk updates send no model signal).
        page_cache.forget_every_page()
