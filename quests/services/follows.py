"""Following (issue 13): members of companies and other non-municipal organisations follow
themes, SDG targets, municipalities and networks, and receive a plain-text digest of
what is new about them, daily or weekly (JST), or none.

The digest of a period goes out once per person: its notification key names the period
(`quest.follow_digest|daily-2026-11-29|<user id>`), notifications are unique by key, and
notify_many inserts with ON CONFLICT DO NOTHING, so a beat run repeated, or two running
at once, tell no one twice. It is built in bulk: the sources' items of the period (a few
queries), then every matching follow of every due person in one query, then one insert
per thousand people (notify_many), and the mails go out in `send_notification_emails`
batches. Unsubscribing takes one step from the mail: a signed link (`unsubscribe_token`)
printed in it, and the List-Unsubscribe headers (RFC 8058) for mail programs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocreation.core.dates import jdate
from cocreation.notifications.models import Notification
from cocreation.notifications.services import notify_many
from cocreation.organisations.models import Organisation, Region

from .. import permissions
from ..errors import QuestError
from ..models import DigestSubscription, Follow, SdgTarget, Theme
from ..notifications import FOLLOW_DIGEST
from ..selectors.follows import DIGEST_SOURCES, Tag

JST = ZoneInfo("Asia/Tokyo")
# A period's digest goes out from 07:00 JST after it ends (the morning, not midnight);
# a run later in the next period still sends it (a beat that was down catches up).
DIGEST_HOUR = 7
MAX_FOLLOWS = 200  # follows one person may keep: a digest stays readable
MAX_ITEMS = 30  # items of one source listed in one digest; the rest are counted
UNSUBSCRIBE_SALT = "quests.follows.unsubscribe"


# --- following ---------------------------------------------------------------------


def follow_add(*, user, kind: str, target_id: int) -> Follow:
    """`user` follows the `kind` (Follow.Kind value) thing `target_id` (a theme, an SDG
    target, a municipality or a Region); following it again changes nothing. The first
    follow starts a weekly digest. Raises QuestError when `user` may not follow
    (`permissions.can_follow`), for an unknown kind or thing, or past `MAX_FOLLOWS`."""
    if not permissions.can_follow(user):
        raise QuestError(
            _(
                "Members of companies and other non-municipal organisations follow themes "
                "and municipalities."
            )
        )
    column = Follow.COLUMNS.get(kind)
    model = {
        Follow.Kind.THEME: Theme.objects.all(),
        Follow.Kind.SDG_TARGET: SdgTarget.objects.all(),
        Follow.Kind.MUNICIPALITY: Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
        Follow.Kind.REGION: Region.objects.all(),
    }.get(kind)
    if column is None or model is None or not model.filter(pk=target_id).exists():
        raise QuestError(_("Choose something to follow from the list."), field="target")
    with transaction.atomic():
        # Lock the person's subscription row: two follows at once count each other.
        DigestSubscription.objects.bulk_create(
            [DigestSubscription(user=user)], ignore_conflicts=True
        )
        DigestSubscription.objects.select_for_update().get(user=user)
        existing = Follow.objects.filter(user=user, **{f"{column}_id": target_id}).first()
        if existing is not None:
            return existing
        if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
            raise QuestError(
                _("You follow %(max)s things already: unfollow some first.") % {"max": MAX_FOLLOWS}
            )
        return Follow.objects.create(user=user, **{f"{column}_id": target_id})


def follow_remove(*, user, follow: Follow) -> None:
    """`user` stops following `follow` (their own; QuestError for anyone else's).
    Removing one already removed changes nothing."""
    if follow.user_id != user.pk:
        raise QuestError(_("You can only unfollow what you follow."))
    Follow.objects.filter(pk=follow.pk, user=user).delete()


def digest_frequency_set(*, user, frequency: str) -> DigestSubscription:
    """Set how often `user` receives the digest (DigestSubscription.Frequency value).
    Turning it off is always allowed; daily or weekly only for those who may follow.
    Raises QuestError for an unknown frequency or a person who may not follow."""
    if frequency not in DigestSubscription.Frequency.values:
        raise QuestError(_("Choose how often to receive the digest."), field="frequency")
    if frequency != DigestSubscription.Frequency.OFF and not permissions.can_follow(user):
        raise QuestError(
            _(
                "Members of companies and other non-municipal organisations follow themes "
                "and municipalities."
            )
        )
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    return subscription


# --- unsubscribing from the mail --------------------------------------------------------


def unsubscribe_token(user_id: int) -> str:
    """The signed token of the unsubscribe link of user `user_id`'s digest: the id and an
    HMAC of it (SECRET_KEY, salted), so it cannot be made for another person."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user_id))


def unsubscribe_path(user_id: int) -> str:
    """The path of user `user_id`'s unsubscribe page (a GET shows one button, a POST
    unsubscribes, no sign-in needed)."""
    return reverse("quests:follow_unsubscribe", args=[unsubscribe_token(user_id)])


def user_id_of_token(token: str) -> int | None:
    """The user id `token` was made for, or None when it was not made by
    `unsubscribe_token` (tampered, truncated, another site's)."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() else None


def digest_unsubscribe(*, token: str) -> None:
    """Turn off the digest of the person `token` names (one step, no sign-in: the token
    is the proof). Doing it again changes nothing. Raises QuestError for a token that is
    not valid."""
    user_id = user_id_of_token(token)
    if user_id is None or not get_user_model().objects.filter(pk=user_id).exists():
        raise QuestError(_("This unsubscribe link is not valid. Open it from the mail again."))
    DigestSubscription.objects.update_or_create(
        user_id=user_id, defaults={"frequency": DigestSubscription.Frequency.OFF}
    )


# --- the digest ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One digest period: `frequency` (daily or weekly), `start` (included) and `end`
    (excluded), aware datetimes at 00:00 JST, and `key`, its name in notification keys
    ("daily-2026-11-29", "weekly-2026-W48", the ISO week of its Monday)."""

    frequency: str
    start: dt.datetime
    end: dt.datetime
    key: str

    def label(self) -> str:
        """The period as the digest names it, in the active language."""
        first = self.start.astimezone(JST).date()
        if self.frequency == DigestSubscription.Frequency.DAILY:
            return jdate(first)
        return f"{jdate(first)}〜{jdate(first + dt.timedelta(days=6))}"


def due_period(frequency: str, now: dt.datetime) -> Period:
    """The latest period of `frequency` whose digest is due at `now` (aware): the JST day
    (daily) or ISO week, Monday to Sunday JST (weekly), that ended before the last
    07:00 JST (`DIGEST_HOUR`)."""
    shifted = now.astimezone(JST) - dt.timedelta(hours=DIGEST_HOUR)
    today = shifted.date()
    if frequency == DigestSubscription.Frequency.DAILY:
        first, days = today - dt.timedelta(days=1), 1
        key = f"daily-{first.isoformat()}"
    elif frequency == DigestSubscription.Frequency.WEEKLY:
        first, days = today - dt.timedelta(days=today.weekday() + 7), 7
        year, week, _day = first.isocalendar()
        key = f"weekly-{year}-W{week:02d}"
    else:
        raise ValueError(f"No digest period for {frequency!r}")
    start = dt.datetime.combine(first, dt.time(0), tzinfo=JST)
    return Period(frequency, start, start + dt.timedelta(days=days), key)


def digest_key_prefix(period: Period) -> str:
    """The notification keys of `period`'s digests are this, "|", and the user id."""
    return f"{FOLLOW_DIGEST.name}|{period.key}"


def digests_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the daily and the weekly digests due at `now` (default: now); returns
    {frequency: digests newly sent}. Run by beat every hour (quests.tasks)."""
    now = now or timezone.now()
    return {
        frequency: digest_send(frequency=frequency, now=now)
        for frequency in (DigestSubscription.Frequency.DAILY, DigestSubscription.Frequency.WEEKLY)
    }


def digest_send(*, frequency: str, now: dt.datetime) -> int:
    """Send the digest of `frequency` (daily or weekly) due at `now` (`due_period`) to
    each person who takes it, may follow (`permissions.can_follow`), follows something one
    of its items is about and has not had it yet; returns how many were sent (0 on a
    repeated run). Nothing is sent to a person with nothing new.

    Bulk, whatever the number of followers: the sources' queries, one query for every
    matching follow of every due person, and notify_many's one insert per thousand
    people; the mails are queued after commit in `send_notification_emails` batches."""
    period = due_period(frequency, now)
    sections = [(source, source.items(period.start, period.end)) for source in DIGEST_SOURCES]
    by_tag: dict[Tag, list[tuple[int, int]]] = {}
    for s, (_source, items) in enumerate(sections):
        for i, item in enumerate(items):
            for tag in item.tags:
                by_tag.setdefault(tag, []).append((s, i))
    if not by_tag:
        return 0
    matching = Q()
    for kind, column in Follow.COLUMNS.items():
        ids = sorted(pk for tag_kind, pk in by_tag if tag_kind == kind)
        if ids:
            matching |= Q(**{f"{column}_id__in": ids})
    prefix = digest_key_prefix(period)
    already = Notification.objects.filter(
        key=Concat(Value(prefix + "|"), Cast(OuterRef("user_id"), CharField()))
    )
    rows = (
        Follow.objects.filter(matching, user__digest_subscription__frequency=frequency)
        .filter(permissions.can_follow_q(user="user_id", active="user__is_active"))
        .filter(~Exists(already))
        .order_by("user_id", "pk")
        .values_list(
            "user_id",
            "user__email",
            "user__preferred_language",
            "theme_id",
            "sdg_target_id",
            "municipality_id",
            "region_id",
        )
    )
    people: dict[int, tuple[str, str, set[Tag]]] = {}
    kinds = list(Follow.COLUMNS)
    for user_id, email, language, *targets in rows:
        tags = people.setdefault(user_id, (email, language, set()))[2]
        tags.update((kind, pk) for kind, pk in zip(kinds, targets, strict=True) if pk)
    if not people:
        return 0
    User = get_user_model()  # noqa: N806 - the model class
    recipients, contexts = [], {}
    by_language: dict[str, list[int]] = {}
    for user_id, (email, language, _tags) in people.items():
        language = language or settings.LANGUAGE_CODE
        recipients.append(User(pk=user_id, email=email, preferred_language=language))
        by_language.setdefault(language, []).append(user_id)
    for language, user_ids in by_language.items():
        # One language at a time: its phrases, items and names are rendered once.
        with translation.override(language):
            writer = _DigestWriter(period, sections, by_tag)
            for user_id in user_ids:
                contexts[user_id] = {
                    "period": writer.period,
                    "digest": writer.text(people[user_id][2], user_id),
                }
    with transaction.atomic():
        return notify_many(
            recipients,
            FOLLOW_DIGEST.name,
            url=reverse("quests:following"),
            key_prefix=prefix,
            contexts=contexts,
        )


class _DigestWriter:
    """Writes digests in the active language: the phrases, the addresses, each item's
    text and each followed thing's name are rendered once, then each person's digest is
    put together from them (10,000 people cost string joins, not 10,000 renderings)."""

    def __init__(self, period: Period, sections, by_tag) -> None:
        self.sections = sections
        self.by_tag = by_tag
        self.period = period.label()
        site = settings.SITE_URL
        self.head = _("New on the portal about what you follow (%(period)s):") % {
            "period": self.period
        }
        self.headings = [str(source.heading) for source, _items in sections]
        self.you_follow = _("You follow: %(names)s")
        self.list_url = f"{site}{reverse('quests:list')}"
        self.footer = [
            "",
            _("To change what you follow or how often this digest comes:"),
            f"{site}{reverse('quests:following')}",
            "",
            _("To stop this digest in one step, open this address and press the button there:"),
        ]
        # The unsubscribe address with the token in its place (reverse() once).
        self.unsubscribe = f"{site}{reverse('quests:follow_unsubscribe', args=['T'])}".rsplit(
            "T", 1
        )
        self.items: dict[tuple[int, int], str] = {}
        self.names: dict[tuple[int, int, Tag], str] = {}
        self.order = list(Follow.COLUMNS)

    def _item(self, s: int, i: int) -> str:
        if (s, i) not in self.items:
            self.items[(s, i)] = self.sections[s][1][i].render()
        return self.items[(s, i)]

    def _name(self, s: int, i: int, tag: Tag) -> str:
        if (s, i, tag) not in self.names:
            self.names[(s, i, tag)] = str(self.sections[s][1][i].tags[tag])
        return self.names[(s, i, tag)]

    def text(self, tags: set[Tag], user_id: int) -> str:
        """The digest of the person `user_id` following `tags`: for each source with
        items about them, its heading and those items (at most `MAX_ITEMS`), each with
        what the person follows that it is about; then the links to the following page
        and to unsubscribe."""
        mine: dict[int, dict[int, list[Tag]]] = {}
        # Reasons in the order the following page lists the kinds.
        for tag in sorted(tags, key=lambda tag: (self.order.index(tag[0]), tag[1])):
            for s, i in self.by_tag.get(tag, ()):
                mine.setdefault(s, {}).setdefault(i, []).append(tag)
        lines = [self.head]
        for s, found in sorted(mine.items()):
            lines += ["", f"■ {self.headings[s]} ({len(found)})"]
            for i in sorted(found)[:MAX_ITEMS]:
                names = "、".join(self._name(s, i, tag) for tag in found[i])
                lines += [f"- {self._item(s, i)}", "  " + self.you_follow % {"names": names}]
            more = len(found) - MAX_ITEMS
            if more > 0:
                lines.append(
                    ngettext(
                        "… and %(n)s more on the portal:", "… and %(n)s more on the portal:", more
                    )
                    % {"n": more}
                )
                lines.append(self.list_url)
        lines += self.footer
        lines.append(unsubscribe_token(user_id).join(self.unsubscribe))
        return "\n".join(lines)
