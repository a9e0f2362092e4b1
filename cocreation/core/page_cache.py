"""Anonymous public pages kept in Redis, and forgotten the moment what they show changes.

What is kept: the body and headers a view answered an anonymous visitor, for the pages
that carry `@public_page(...)` (the home page, the quest list with any query string, a
quest's overview, Q&A and results, the Atom feed, the outcome archive), in the `pages`
cache alias (Django's Redis cache), under the full address with its query string and the
language `LocaleMiddleware` chose from the cookie or Accept-Language (`_page_key`). Unlike
Django's `cache_page`, which reads a stored list of the headers a page varies on before
the page itself, a page here is looked up with the generations of its areas in one
round trip: the only header the kept pages vary on is the language, and a response that
varies on anything else is not kept. The rules:

- **Only what is the same for every anonymous visitor.** A request is looked up or kept
  only when it is a GET or HEAD with no session cookie, no messages cookie and no
  Authorization header, so a signed-in person (whose pages show their name and counts)
  is never served a kept page and never keeps one. A response is kept only when it is a
  200 that sets no cookie, rendered no CSRF token (`get_token` marks the request),
  queued no message, left the session empty and is not marked private/no-store.
- **Invalidation on write.** Each page names the areas it shows (`QUESTS`, `ARCHIVE`,
  `DIRECTORY`); each area has a generation, a random token in Redis that is part of every
  page key. `pages_changed(area)` replaces the token, so no page rendered before the
  change is found again. The apps call it from `post_save`/`post_delete`/`m2m_changed` of
  the models those pages show (`invalidates`, connected in each app's `signals.py`), so
  services, the admin and scripts are all covered; a write that bypasses model signals
  (`QuerySet.update`, `bulk_create`) on such a model calls `pages_changed` itself. The
  token is replaced at once and again when the transaction commits: a page rendered from
  the old rows while the write was still open is then forgotten too. The generations are
  read before the view runs and the page is kept under those, never under newer ones.
- **Time.** A page is kept `PAGE_CACHE_SECONDS` (300), and never past the next local
  midnight: "accepting proposals" and the home page's open quests depend on today's date.
- **Redis away.** The `pages` cache (`cocreation.core.cache.PageCache`) then misses and
  drops every write, so each page is rendered as if nothing were kept: never a 500, and
  never a copy in one process's memory that another process's write cannot reach. A
  generation that could not be replaced is replaced by this process's next use of the
  page cache once Redis answers; until then a page kept before the outage is served at
  most until its time runs out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import cc_delim_re
from django.utils.decorators import decorator_from_middleware_with_args
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The areas a public page shows; a page's key holds the generation of each of its areas.
QUESTS = "quests"  # quests, their teams, history, Q&A, results; themes and SDG targets
ARCHIVE = "archive"  # the study groups' published outcomes, cohorts, teams, programmes
DIRECTORY = "directory"  # organisations, regions and people's names shown beside them
AREAS = frozenset({QUESTS, ARCHIVE, DIRECTORY})

CACHE_ALIAS = "pages"
GENERATION_KEY = "pages:generation:{area}"

# Areas whose new generation Redis did not take (it was away); retried by this process.
_unsent: set[str] = set()
_unsent_lock = threading.Lock()


def _cache():
    return caches[CACHE_ALIAS]


def _token() -> str:
    return secrets.token_hex(8)


def _replace_generations(areas: Iterable[str]) -> None:
    with _unsent_lock:
        wanted = set(areas) | _unsent
        _unsent.clear()
    if not wanted:
        return
    tokens = {GENERATION_KEY.format(area=area): _token() for area in sorted(wanted)}
    if not _cache().stored(tokens, timeout=None):
        with _unsent_lock:
            _unsent.update(wanted)
        logger.info("Page cache: Redis unreachable; %s kept to forget later.", sorted(wanted))


def pages_changed(*areas: str) -> None:
    """Forget every kept page that shows any of `areas` (names from `AREAS`).

    The generations are replaced now and, inside a transaction, again once it commits (a
    rolled-back write only costs the pages a render). Never raises for Redis: while it is
    unreachable the areas are remembered and replaced at this process's next use of the
    page cache."""
    unknown = set(areas) - AREAS
    if unknown:
        raise ValueError(f"Unknown page cache areas: {sorted(unknown)}")
    _replace_generations(areas)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _replace_generations(areas))


def forget_every_page(**kwargs) -> None:
    """`pages_changed` for every area (a `post_migrate` receiver: after a migration or a
    deploy, no page kept before is served)."""
    pages_changed(*sorted(AREAS))


def generations(areas: Iterable[str], found: dict | None = None) -> str:
    """The current generation tokens of `areas`, joined in their order (creating any that
    Redis does not hold). `found`: the values of a `get_many` that already asked for
    the generation keys (and may hold others), to save the round trip. Replaces first any
    generation an outage left unreplaced."""
    if _unsent:
        _replace_generations(())
        found = None
    cache = _cache()
    keys = [GENERATION_KEY.format(area=area) for area in areas]
    found = dict(found) if found is not None else cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = _token()
            # Another process may have created it meanwhile: use the one Redis holds.
            found[key] = token if cache.add(key, token, timeout=None) else cache.get(key, token)
    return ".".join(found[key] for key in keys)


def kept_value(name: str, areas: Iterable[str], compute: Callable[[], T]) -> T:
    """`compute()`, kept in the pages' cache like a public page: under `name` and the
    current generations of `areas`, so a change of what those areas show forgets it, and
    for PAGE_CACHE_SECONDS at most (never past midnight). For figures every visitor sees
    alike, signed in or not (the public dashboard's aggregates over every quest), so
    only the first visitor after a change pays for them. Without Redis, or with
    PAGE_CACHE_SECONDS 0, it is computed each time. The value must be picklable."""
    seconds = _seconds_to_keep()
    if seconds <= 0:
        return compute()
    try:
        key = f"kept:{name}:{generations(areas)}"
        found = _cache().get(key)
    except Exception:  # noqa: BLE001 - Redis away: compute, as without a cache
        logger.warning("kept value %s: the cache is unreachable", name, exc_info=True)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        _cache().set(key, value, timeout=seconds)
    except Exception:  # noqa: BLE001 - the value is still right; it is just not kept
        logger.warning("kept value %s: not stored", name, exc_info=True)
    return value


# The areas each model's writes change (filled by `invalidates`), for values derived from a
# model's rows that must be forgotten with them (`areas_of`).
_AREAS_OF: dict[type, set[str]] = {}


def areas_of(model) -> tuple[str, ...]:
    """The page-cache areas a save or delete of `model` (a model class) forgets, as
    registered by the apps' `invalidates` calls. Raises ImproperlyConfigured for a model no
    area names: a value kept from its rows would never be forgotten."""
    areas = _AREAS_OF.get(model)
    if not areas:
        raise ImproperlyConfigured(f"No page cache area names {model._meta.label}")
    return tuple(sorted(areas))


def invalidates(
    area: str,
    *models,
    when: Callable[[object, frozenset[str] | None], bool] | None = None,
) -> None:
    """Call `pages_changed(area)` whenever a row of one of `models` is saved or deleted,
    and whenever a many-to-many relation whose through model is listed changes.

    `when(instance, update_fields)` (update_fields: the names saved, None for a whole-row
    save or a delete) may narrow it to the changes public pages show. Connected once per
    (area, model), by the app's `signals.py` from its AppConfig.ready."""
    if area not in AREAS:
        raise ValueError(f"Unknown page cache area: {area}")

    def saved(sender, instance, **kwargs):
        update_fields = kwargs.get("update_fields")
        fields = frozenset(update_fields) if update_fields is not None else None
        if when is None or when(instance, fields):
            pages_changed(area)

    def deleted(sender, instance, **kwargs):
        if when is None or when(instance, None):
            pages_changed(area)

    def related(sender, action, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            pages_changed(area)

    for model in models:
        _AREAS_OF.setdefault(model, set()).add(area)
        uid = f"page_cache:{area}:{model._meta.label}"
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=uid)
        # Sent only for a many-to-many's through model (`.add`, `.remove`, `.set`, `.clear`).
        m2m_changed.connect(related, sender=model, weak=False, dispatch_uid=uid)


def _seconds_to_keep() -> int:
    """`PAGE_CACHE_SECONDS`, but never past the next local midnight (0: keep nothing)."""
    now = timezone.localtime()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
    return max(0, min(settings.PAGE_CACHE_SECONDS, int((midnight - now).total_seconds())))


# What the kept pages may vary on: the language (in the key), and the cookies, which an
# anonymous visitor's page does not depend on once the session and messages cookies are
# excluded (`_may_share`); LocaleMiddleware names both.
_VARIES_ON = frozenset({"accept-language", "cookie"})
PAGE_KEY = "public:{address}:{language}"


def _page_key(request) -> str:
    """The key of an anonymous page: a digest of its full address (scheme, host, path,
    query string; any length a visitor types) and the active language."""
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return PAGE_KEY.format(address=address, language=get_language())


def _may_share(request) -> bool:
    """A request whose page is the same for every anonymous visitor in its language."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "Authorization" not in request.headers
        and not request.user.is_authenticated
    )


def _may_keep(request, response) -> bool:
    """A response with nothing of one visitor in it (see the module's docstring)."""
    if response.streaming or response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    # The key holds the language only: a page varying on another header is not kept.
    varies = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h}
    if not varies <= _VARIES_ON or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or not session.is_empty()):
        return False
    stored_messages = getattr(request, "_messages", None)
    if stored_messages is not None and len(stored_messages):
        return False
    return not request.user.is_authenticated


class PublicPageCacheMiddleware(MiddlewareMixin):
    """`public_page`'s work, per view (Django's `CacheMiddleware` with the rules above):
    looks the page up before the view runs and keeps the view's response."""

    def __init__(self, get_response, areas: tuple[str, ...] = ()):
        super().__init__(get_response)
        self.areas = areas

    def process_request(self, request):
        request._page_cache = None
        if not _may_share(request):
            return None
        key = _page_key(request)
        gens = [GENERATION_KEY.format(area=area) for area in self.areas]
        # One round trip: the generations and the page (kept with the generations it was
        # rendered under; a page of older generations is not served).
        found = _cache().get_many([*gens, key])
        current = generations(self.areas, found=found)
        kept = found.get(key)
        if kept is not None and kept[0] == current:
            return kept[1]
        # The generations read before the view runs: a write meanwhile makes them old.
        request._page_cache = (key, current)
        return None

    def process_response(self, request, response):
        pending = getattr(request, "_page_cache", None)
        if pending is None or not _may_keep(request, response):
            return response
        timeout = _seconds_to_keep()
        if timeout:
            key, current = pending
            _cache().set(key, (current, response), timeout)
        return response


def public_page(*areas: str):
    """View decorator: keep the anonymous visitor's page in Redis until one of `areas`
    (names from `AREAS`) changes or `PAGE_CACHE_SECONDS` pass (see the module's
    docstring for what is never kept). Signed-in requests pass through untouched."""
    unknown = set(areas) - AREAS
    if not areas or unknown:
        raise ImproperlyConfigured(f"public_page needs known areas, not {sorted(unknown)}")
    return decorator_from_middleware_with_args(PublicPageCacheMiddleware)(areas=tuple(areas))
