"""Tools of the hostile-input test (tests/test_hostile_input.py): find the POST forms a page
renders, fill them with plausible values, list the hostile values for each field, and
measure what a request wrote to PostgreSQL.

Nothing here knows a form by name: forms are read from the HTML the portal serves.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db import connection, transaction
from django.utils import timezone

# Tables a request writes whatever it does: the session, and the fingerprint the
# double-submit guard (cocreation/core/once.py) claims and releases around every POST.
BOOKKEEPING_TABLES = ("django_session", "core_requestfingerprint")
# A temporary table of our own (see `probe_xid`).
PROBE_TABLE = "hostile_probe"

# Pairs of fields where the second must not come before the first.
PAIRS = [
    ("starts_at", "ends_at"),
    ("start", "end"),
    ("start_date", "end_date"),
    ("first_date", "last_date"),
    ("starts_on", "ends_on"),
    ("start_time", "end_time"),
    ("opens_at", "closes_at"),
    ("date_from", "date_to"),
    ("from", "to"),
    ("first_start", "last_start"),
    ("recruit_from", "recruit_until"),
]


@dataclass
class Field:
    """One named control of a form.

    `kind` is the input type ("text", "textarea", "select", "radio", "checkbox", "date",
    "datetime-local", "time", "number", "hidden", "email", "file", "submit", …);
    `options` the values a select, radio group or checkbox group offers; `value` what the
    page filled in (a list for multi-valued controls).
    """

    name: str
    kind: str
    value: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    required: bool = False
    multiple: bool = False
    accept: str = ""


@dataclass
class Form:
    """A POST form as the browser would send it: `action` (absolute path, with query),
    its fields in document order, and the page and role it was found on."""

    action: str
    page: str
    role: str | None
    fields: dict[str, Field] = field(default_factory=dict)

    def key(self) -> tuple:
        """Identity independent of the ids in its URL and of the row numbers of formsets."""
        path = re.sub(r"\d+", "<n>", self.action.split("?")[0])
        names = frozenset(re.sub(r"\d+", "<n>", name) for name in self.fields)
        return path, names


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None
        self.option_value: str | None = None
        self.option_text = ""

    def _add(self, name, kind, **kwargs):
        existing = self.current.fields.get(name)
        if existing and kind in {"radio", "checkbox", "submit"}:
            existing.options.extend(kwargs.get("options", []))
            existing.value.extend(kwargs.get("value", []))
            existing.multiple = existing.multiple or kind == "checkbox"
            return
        if existing:
            return
        self.current.fields[name] = Field(name=name, kind=kind, **kwargs)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self.current = Form(action=a.get("action") or self.page, page=self.page, role=None)
                self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            value = a.get("value")
            if kind in {"radio", "checkbox"}:
                chosen = [value or "on"] if "checked" in a else []
                self._add(name, kind, value=chosen, options=[value or "on"])
            elif kind in {"submit", "image", "reset", "button"}:
                if kind == "submit":
                    self._add(name, "submit", value=[], options=[value or ""])
            else:
                self._add(
                    name,
                    kind,
                    value=[value or ""],
                    required="required" in a,
                    accept=a.get("accept") or "",
                )
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._add(name, "submit", value=[], options=[a.get("value") or ""])
        elif tag == "select" and name and "disabled" not in a:
            self.select = Field(name=name, kind="select", multiple="multiple" in a)
            self.select.required = "required" in a
            self.current.fields.setdefault(name, self.select)
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value")
            self.option_text = ""
            if "selected" in a:
                self.select.value.append(a.get("value") or "")
        elif tag == "textarea" and name and "disabled" not in a:
            self.textarea = Field(name=name, kind="textarea", value=[""])
            self.textarea.required = "required" in a
            self.current.fields.setdefault(name, self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value[0] += data
        if self.option_value is None and self.select is not None:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else self.option_text
            self.select.options.append(value.strip() if self.option_value is None else value)
            self.option_value = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value[0].startswith("\n"):
                self.textarea.value[0] = self.textarea.value[0][1:]
            self.textarea = None


def read_page(html: str, page: str) -> tuple[list[Form], list[str]]:
    """Every `<form method="post">` of `html` (served at `page`) with its controls, and
    every link of the page."""
    parser = _FormParser(page)
    parser.feed(html)
    for form in parser.forms:
        form.fields.pop("csrfmiddlewaretoken", None)
    return parser.forms, parser.links


# Links not worth following: files, the admin, signing out, other sites.
NOT_PAGES = re.compile(r"^/(?:admin|static|media)/|^/accounts/logout|\.(?:ics|csv|pdf|png|jpe?g)$")


def crawl(client, seeds: list[str], *, later: list[str] = (), per_route: int = 3):
    """Open `seeds` with `client`, then the site's own links they show (at most
    `per_route` addresses per URL pattern besides the seeds), and yield (url, forms) for
    each HTML page;
    `later` addresses are opened only when no link is left to follow, so that guessed
    ids (whatever rows the database's sequences gave them) never take the place of the
    pages the site itself links to.

    Links with a query string are not followed: they show the same forms."""
    from collections import Counter, deque

    from django.urls import Resolver404, resolve

    def route(path):
        try:
            return resolve(path).route
        except Resolver404:
            return None

    queue, seen, opened = deque(), set(), Counter()
    given = set(seeds)  # always opened: the limit per pattern is for followed links
    for url in seeds:
        if url not in seen:
            seen.add(url)
            queue.append(url)
    later = deque(later)
    while queue or later:
        if queue:
            url = queue.popleft()
        else:
            url = later.popleft()
            if url in seen:
                continue
            seen.add(url)
        pattern = route(url.split("?")[0])
        if pattern is None or (opened[pattern] >= per_route and url not in given):
            continue
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001 - tests/test_no_server_errors.py reports these
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        opened[pattern] += 1
        forms, links = read_page(response.content.decode("utf-8", "replace"), url)
        yield url, forms
        for link in links:
            path = link.split("#")[0]
            if not path.startswith("/") or path.startswith("//") or "?" in path:
                continue
            if path in seen or NOT_PAGES.search(path):
                continue
            seen.add(path)
            queue.append(path)


# A valid PDF and PNG, small, so that forms with a required upload reach their other fields.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = _png_bytes()


def upload_for(f: Field):
    """A small valid upload the field accepts (an image if it asks for one, else a PDF)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if "image" in f.accept or re.search(r"photo|image|picture|logo", f.name):
        return SimpleUploadedFile("photo.png", PNG_BYTES, "image/png")
    return SimpleUploadedFile("資料.pdf", PDF_BYTES, "application/pdf")


def _plausible_day() -> dt.date:
    # A Tuesday two to three weeks ahead: inside booking horizons and opening days.
    day = timezone.localdate() + dt.timedelta(days=14)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


# A demo account, for fields that name people who must already be registered, and the
# password `make run` gives the demo accounts (README; the sweep sets it on this one).
EXISTING_EMAIL = "staff@city.koriyama.lg.jp"
EXISTING_PASSWORD = "kyoso-demo-2020"


def plausible(f: Field, *, second: bool = False) -> list[str]:
    """A value a careful person would type into an empty control (`second`: the end of a
    start/end pair, one hour or one week later)."""
    day = _plausible_day() + dt.timedelta(days=7 if second else 0)
    hour = "11:00" if second else "10:00"
    name = f.name.rsplit("-", 1)[-1]
    if "kana" in name:
        return ["テスト"]
    if name == "login":
        return [EXISTING_EMAIL]  # signing in: an account that exists
    if f.kind == "password" and name in {"password", "oldpassword"}:
        return [EXISTING_PASSWORD]  # the account's current password, not a new one
    if name.endswith("_emails"):
        return [EXISTING_EMAIL]  # lists of people who must already have an account
    if "email" in name:
        return ["hostile-check@example.com"]
    if "phone" in name or name == "tel":
        return ["024-000-0000"]
    if "birth" in name:
        return ["1990-04-01"]
    if name in {"website", "url"} or name.endswith("_url"):
        return ["https://example.com/"]
    if f.kind in {"select", "radio"}:
        options = [o for o in f.options if o != ""]
        return options[:1]
    if f.kind == "checkbox":
        return []
    if f.kind == "date":
        return [day.isoformat()]
    if f.kind == "datetime-local":
        day = _plausible_day()
        return [f"{day.isoformat()}T{hour}"]
    if f.kind == "time":
        return [hour]
    if f.kind == "number":
        return ["1"]
    if f.kind == "email":
        return ["hostile-check@example.com"]
    if f.kind == "url":
        return ["https://example.com/"]
    if f.kind == "tel":
        return ["024-000-0000"]
    if f.kind == "password":
        return ["Kx7-hostile-pass-2718"]
    if f.kind == "hidden":
        return [""]
    return ["テスト入力"]


def baseline(form: Form) -> dict[str, list[str]]:
    """The form as a browser sends it after a careful person filled it: the page's values
    kept, empty text, date and number controls filled plausibly (except in a formset's
    empty rows for new records, unless required), the first real option of an empty
    select, radio group or checkbox group chosen, the first named submit button pressed, a
    number column repeated on every row counted 1, 2, 3… (two teams cannot share a place)."""
    data: dict[str, list[str]] = {}
    seconds = {end for _start, end in PAIRS}
    pressed = False
    # A number column repeated on every row (an order per team) counts 1, 2, 3…
    numbers: dict[str, int] = {}
    # The empty rows a formset offers for new records stay as a person leaves them.
    extra = set()
    for name in form.fields:
        if row := re.match(r"(.+-\d+)-", name):
            row_id = form.fields.get(f"{row.group(1)}-id")
            if row_id is not None and not any(row_id.value):
                extra.add(name)
    for name, f in form.fields.items():
        if f.kind == "file":
            continue
        if f.kind == "submit":
            if not pressed and f.options:
                data[name] = f.options[:1]
                pressed = True
            continue
        values = list(f.value)
        if f.kind == "select" and not values and not f.multiple:
            values = f.options[:1]
        if name in extra:
            pass
        elif f.kind == "select" and not any(values) and not f.multiple:
            values = plausible(f) or values
        elif f.kind == "radio" and not values:
            values = f.options[:1]
        elif f.kind == "checkbox" and not values and len(f.options) > 1:
            values = f.options[:1]  # a group of boxes: tick one, as a required group needs
        elif f.kind == "number" and not any(v.strip() for v in values):
            column = re.sub(r"\d+", "<n>", name)
            numbers[column] = numbers.get(column, 0) + 1
            values = [str(numbers[column])]
        elif f.kind not in {"select", "checkbox", "hidden"} and not any(v.strip() for v in values):
            values = plausible(f, second=name.rsplit("-", 1)[-1] in seconds)
        data[name] = values
    return data


def other_choices(form: Form, data: dict[str, list[str]], *, limit: int = 8):
    """Other plausible fillings of `form` to try when its baseline `data` is refused (a
    state rule refuses the first option: a room not open that day, a role the person may
    not combine with theirs): as (label, payload), one choice control at a time (select,
    radio group, named submit button), first each control the baseline changed set back to
    the page's own choice, then each control set to each other option it offers (a named
    button: not pressed, another button pressed); at most `limit`."""
    resets, others = [], []
    for name, f in form.fields.items():
        if f.kind not in {"select", "radio", "submit"} or (name not in data and f.kind != "submit"):
            continue
        current = data.get(name, [])
        if f.kind != "submit" and f.value and f.value != current:
            resets.append((name, list(f.value)))
        others += [(name, [option]) for option in f.options if [option] != current]
        if f.kind == "submit" and current:
            others.append((name, None))
    out = []
    for name, values in resets + others:
        payload = {k: v for k, v in data.items() if k != name}
        if values is not None:
            payload[name] = values
        if payload != data and all(payload != seen for _label, seen in out):
            label = f"{name} = {values[0] if values else '(not pressed)'}"
            out.append((label, payload))
    return out[:limit]


def files_for(form: Form) -> dict:
    """A fresh valid upload for each file control of `form`."""
    return {name: upload_for(f) for name, f in form.fields.items() if f.kind == "file"}


# The hostile values, by kind. `must_refuse`: the portal's input rules
# (cocreation/core/inputs.py) refuse it wherever it is typed, so a form that stores it
# has accepted a hostile value. `marks` are fragments that show the value was stored
# (as PostgreSQL prints the row: a datetime in UTC, a BC year with " BC").
@dataclass(frozen=True)
class Hostile:
    kind: str
    value: str
    must_refuse: bool
    marks: tuple[str, ...] = ()


LONG_TEXT = "長" * 10_000
TEXT = [
    Hostile("10,000 characters", LONG_TEXT, False),
    Hostile("NUL", "ab\x00cd", True, ("ab\x00cd",)),
    Hostile("control character ESC", "ab\x1b[31mcd", True, ("\x1b[31m",)),
    Hostile("bidi override U+202E", "abc\u202etxt.exe", True, ("\u202e",)),
    Hostile("emoji and combining marks", "👩\u200d👩\u200d👧 Z\u0351\u0310\u0352o\u0336", False),
]
NUMBER = [
    Hostile("negative", "-1", False),
    Hostile(
        "30 digits", "123456789012345678901234567890", True, ("123456789012345678901234567890",)
    ),
    Hostile("superscript digit", "²", True, ("²",)),
    Hostile("letters", "abc", True),
]
DATE = [
    Hostile("year 1", "0001-01-01", True, ("0001-01-01", " BC")),
    Hostile("year 9999", "9999-12-31", True, ("9999-12-3",)),
    Hostile("30 February", "2020-02-30", True),
]
DATETIME = [
    Hostile("year 1", "0001-01-01T00:00", True, ("0001-", " BC")),
    Hostile("year 9999", "9999-12-31T23:59", True, ("9999-12-3",)),
    Hostile("30 February", "2020-02-30T10:00", True),
]
TIME = [
    Hostile("hour 25", "25:00", True),
    Hostile("letters", "abc", True),
]
EMAIL = [
    Hostile("NUL", "a\x00b@example.com", True, ("a\x00b",)),
    Hostile("bidi override U+202E", "a\u202eb@example.com", True, ("\u202e",)),
    Hostile("10,000 characters", "a" * 10_000 + "@example.com", True, ("a" * 300,)),
]


def wrong_choice(f: Field) -> Hostile:
    """A value the control does not offer: a number when its options are ids."""
    numeric = any(o.isdigit() for o in f.options if o.isascii())
    value = "999999" if numeric else "not-a-choice"
    return Hostile("wrong choice", value, True, ("not-a-choice",) if not numeric else ())


def hostile_values(f: Field) -> list[Hostile]:
    """The hostile values that make sense for a control, by its type (and, for hidden
    controls, by what the page put in them)."""
    if f.kind in {"text", "textarea", "search", "tel", "url", "password"}:
        return TEXT
    if f.kind == "email":
        return EMAIL
    if f.kind == "number":
        return NUMBER
    if f.kind == "date":
        return DATE
    if f.kind == "datetime-local":
        return DATETIME
    if f.kind == "time":
        return TIME
    if f.kind == "submit" and not any(f.options):
        return []  # a button without a value: only its name is sent, nothing to corrupt
    if f.kind in {"select", "radio", "checkbox", "submit"}:
        values = [wrong_choice(f)]
        if any(o.isdigit() for o in f.options if o.isascii()):
            values += [h for h in NUMBER if h.kind != "negative"]
        return values
    if f.kind == "hidden":
        current = (f.value or [""])[0]
        if current.isdigit():
            return NUMBER
        if re.fullmatch(r"\d{4}-\d\d-\d\d", current):
            return DATE
        return TEXT[1:4]
    return []


def end_before_start(form: Form, data: dict[str, list[str]]) -> list[tuple[str, dict]]:
    """(label, payload) for each start/end pair of `form` with the end moved before the
    start (formset rows included: `form-0-starts_on` pairs with `form-0-ends_on`)."""
    out, seen = [], set()
    for name in form.fields:
        prefix, _, last = name.rpartition("-")
        for start, end in PAIRS:
            if last != start or re.sub(r"\d+", "<n>", name) in seen:
                continue
            end_name = f"{prefix}-{end}" if prefix else end
            if end_name not in form.fields or not data.get(name) or not data[name][0]:
                continue
            seen.add(re.sub(r"\d+", "<n>", name))
            kind = form.fields[name].kind
            if kind == "date" or re.fullmatch(r"\d{4}-\d\d-\d\d", data[name][0]):
                early = dt.date.fromisoformat(data[name][0][:10]) - dt.timedelta(days=2)
                value = early.isoformat()
            elif kind == "datetime-local":
                day = dt.date.fromisoformat(data[name][0][:10]) - dt.timedelta(days=1)
                value = f"{day.isoformat()}T09:00"
            elif kind == "time":
                value = "06:00"
            elif kind == "select":
                # A time slot offered by the end's list that lies before the start.
                earlier = [o for o in form.fields[end_name].options if o and o < data[name][0]]
                if not earlier:
                    continue
                value = earlier[0]
            else:
                continue
            out.append((f"{end_name} before {name}", {**data, end_name: [value]}))
    return out


def table_writes() -> dict[str, int]:
    """Rows inserted, updated and deleted so far in this transaction, per table, from
    PostgreSQL's per-transaction statistics (savepoints included, bookkeeping tables not)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE relname <> ALL(%s)",
            [[*BOOKKEEPING_TABLES, PROBE_TABLE]],
        )
        return {name: count for name, count in cursor.fetchall() if count}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Tables whose counters moved between two `table_writes()` readings."""
    return {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}


def create_probe() -> None:
    """A temporary table whose one insert gives a savepoint its own transaction id."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {PROBE_TABLE} (n integer)")


def probe_xid() -> int:
    """Give the current savepoint a transaction id and return it: rows written from now on
    in it (or in savepoints inside it) have an xmin at least this large, rows written
    before have a smaller one."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {PROBE_TABLE} VALUES (1) RETURNING xmin::text::bigint")
        return cursor.fetchone()[0]


def new_rows(table: str, since_xid: int) -> int:
    """Rows of `table` inserted or updated (and still there) since `since_xid`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{table}" t WHERE t.xmin::text::bigint >= %s', [since_xid]
        )
        return cursor.fetchone()[0]


def row_count(table: str) -> int:
    """All rows of `table` visible now."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return cursor.fetchone()[0]


def stored(tables, since_xid: int, marks: tuple[str, ...]) -> list[str]:
    """The tables among `tables` where a row written since `since_xid` contains one of
    `marks` (as PostgreSQL prints the row)."""
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            for mark in marks:
                if "\x00" in mark:
                    continue  # PostgreSQL cannot store NUL in text; nothing to look for.
                pattern = (
                    "%" + mark.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
                )
                cursor.execute(
                    f'SELECT 1 FROM "{table}" t WHERE t.xmin::text::bigint >= %s '
                    f"AND t::text LIKE %s LIMIT 1",
                    [since_xid, pattern],
                )
                if cursor.fetchone():
                    found.append(table)
                    break
    return found


@dataclass
class Writes:
    """What a block wrote, read before its savepoint was rolled back: `changed` maps each
    table to the rows written in it (or, if rows were only removed, the change of its row
    count); `stored` lists the tables where a written row contains one of the marks."""

    changed: dict[str, int] = field(default_factory=dict)
    stored: list[str] = field(default_factory=list)


@contextmanager
def rolled_back(marks: tuple[str, ...] = ()):
    """Run the block in a savepoint that is always rolled back, and fill the yielded
    `Writes`. An exception of the block propagates (its writes are not measured)."""
    writes = Writes()
    create_probe()
    with transaction.atomic():
        since = probe_xid()
        before = table_writes()
        with transaction.atomic():
            yield writes
        moved = changed(before, table_writes())
        counts = {table: row_count(table) for table in moved}
        fresh = {table: new_rows(table, since) for table in moved}
        if marks and moved:
            writes.stored = stored(moved, since, marks)
        transaction.set_rollback(True)
    for table in moved:
        net = fresh[table] or counts[table] - row_count(table)
        if net:
            writes.changed[table] = net
