"""Demo data: the regions, municipalities, organisations and people of the source documents.

`load_demo()` is idempotent: it inserts what is missing and corrects what differs,
keyed by local-government code (municipalities), name (other organisations), slug
(regions), email (users and their addresses) and user + organisation (memberships).
A second run changes nothing. Everything happens in one transaction.

Every address is fictional (`*.example.jp`, `*.example.com`) except Koriyama's
official domain `city.koriyama.lg.jp`, which the source documents name; demo
notifications are recorded in the portal only and never emailed.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import check_password, make_password
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext

from cocreation.core.search import store_documents
from cocreation.organisations.models import (
    Membership,
    Organisation,
    OrganisationDomain,
    Region,
    organisation_search_document,
)
from cocreation.organisations.validators import validate_local_government_code

MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "data" / "municipalities.csv"

#: The one password of every demo user, set only when DEBUG is on.
DEMO_PASSWORD = "kyoso-demo-2020"
#: Koriyama's official mail domain (the only real domain in the demo data).
KORIYAMA_DOMAIN = "city.koriyama.lg.jp"
#: Domains the demo users' addresses are on (or subdomains of these).
DEMO_EMAIL_DOMAINS = (KORIYAMA_DOMAIN, "example.jp", "example.com")

KORIYAMA_WIDE_AREA = "koriyama-wide-area"
YOKOZE_BANDAI = "yokoze-bandai"

# Arbitrary constant for pg_advisory_xact_lock: two loaders never run at once.
_ADVISORY_LOCK_ID = 7_203_620_201

REGIONS = [
    {
        "slug": KORIYAMA_WIDE_AREA,
        "name": "こおりやま広域圏",
        "description": (
            "郡山市を連携中枢都市とする「こおりやま広域連携中枢都市圏」。"
            "2020年（令和2年）時点では福島県中央部の16市町村（郡山市、須賀川市、二本松市、"
            "田村市、本宮市、大玉村、鏡石町、天栄村、猪苗代町、石川町、玉川村、平田村、"
            "浅川町、古殿町、三春町、小野町）で構成し、その後、磐梯町が加わって17市町村となった。"
            "若手職員の「チャレンジ「新発想」研究塾」や、職員向けワーキングスペース"
            "「コーイキングスペース」、官民連携で地域課題に取り組む「自治体クエスト」を実施している。"
        ),
    },
    {
        "slug": YOKOZE_BANDAI,
        "name": "横瀬町・磐梯町 官民共創ネットワーク",
        "description": (
            "福島県磐梯町と埼玉県横瀬町が「広域・共創ネットワーク構築に関する協定」に基づいて"
            "つくるネットワーク。横瀬町は官民共創を受け入れる仕組み「よこらぼ」で5年間に100件以上の"
            "共創プロジェクトを実施し、磐梯町は全国の自治体で初めて最高デジタル責任者を置いて"
            "自治体DXを進めている。両町はテレワークを活用した職員の人材交流でノウハウと人材を"
            "シェアし、企業と共創を生み出すエコシステムづくりや、企業版を含むふるさと納税の"
            "プラットフォーム、災害時の連携体制を共同で研究する。他の自治体の参画も想定している。"
        ),
    },
]

#: One registered mail domain per municipality, by local-government code.
MUNICIPALITY_DOMAINS = {
    "072036": KORIYAMA_DOMAIN,  # 郡山市
    "072079": "sukagawa.example.jp",  # 須賀川市
    "072109": "nihonmatsu.example.jp",  # 二本松市
    "072117": "tamura.example.jp",  # 田村市
    "072141": "motomiya.example.jp",  # 本宮市
    "073229": "otama.example.jp",  # 大玉村
    "073423": "kagamiishi.example.jp",  # 鏡石町
    "073440": "tenei.example.jp",  # 天栄村
    "074080": "inawashiro.example.jp",  # 猪苗代町
    "075019": "ishikawa.example.jp",  # 石川町
    "075027": "tamakawa.example.jp",  # 玉川村
    "075035": "hirata.example.jp",  # 平田村
    "075043": "asakawa.example.jp",  # 浅川町
    "075051": "furudono.example.jp",  # 古殿町
    "075213": "miharu.example.jp",  # 三春町
    "075221": "ono.example.jp",  # 小野町
    "074071": "bandai.example.jp",  # 磐梯町
    "113611": "yokoze.example.jp",  # 横瀬町
    "141305": "kawasaki.example.jp",  # 川崎市
    "232149": "gamagori.example.jp",  # 蒲郡市
    "232025": "okazaki.example.jp",  # 岡崎市
}
MUNICIPALITY_WEBSITES = {"072036": "https://www.city.koriyama.lg.jp/"}

FOODSHARE = "株式会社フードシェア福島"
MIRAI_DIGITAL = "株式会社みらいデジタル"
ASAKANO_NOEN = "合同会社あさかの農縁"
KYOSO_LAB = "一般社団法人 官民共創ラボ"

ORGANISATIONS = [
    {
        "kind": Organisation.Kind.COMPANY,
        "name": FOODSHARE,
        "name_kana": "フードシェアフクシマ",
        "prefecture": "福島県",
        "website": "https://foodshare.example.com/",
    },
    {
        "kind": Organisation.Kind.COMPANY,
        "name": MIRAI_DIGITAL,
        "name_kana": "ミライデジタル",
        "prefecture": "福島県",
        "website": "https://mirai-digital.example.com/",
    },
    {
        "kind": Organisation.Kind.COMPANY,
        "name": ASAKANO_NOEN,
        "name_kana": "アサカノノウエン",
        "prefecture": "福島県",
        "website": "https://asakano-noen.example.com/",
    },
    {
        "kind": Organisation.Kind.INTERMEDIARY,
        "name": KYOSO_LAB,
        "name_kana": "カンミンキョウソウラボ",
        "prefecture": "福島県",
        "website": "https://kyoso-lab.example.com/",
    },
]

#: Staff of each municipality (`staff@<its domain>`): names, kana, 所属, 職名.
MUNICIPAL_STAFF = {
    "072036": ("吉田", "大輔", "ヨシダ", "ダイスケ", "政策開発部 政策開発課", "主事"),
    "072079": ("佐藤", "美穂", "サトウ", "ミホ", "市長公室 企画政策課", "主事"),
    "072109": ("鈴木", "拓也", "スズキ", "タクヤ", "総務部 企画財政課", "主任"),
    "072117": ("渡部", "純", "ワタナベ", "ジュン", "市民部 生活環境課", "主事"),
    "072141": ("橋本", "直樹", "ハシモト", "ナオキ", "政策推進部 政策推進課", "主事"),
    "073229": ("武田", "由香", "タケダ", "ユカ", "政策推進課", "主事"),
    "073423": ("阿部", "翼", "アベ", "ツバサ", "産業課", "副主査"),
    "073440": ("小林", "千夏", "コバヤシ", "チナツ", "総務課", "主事"),
    "074080": ("五十嵐", "亮介", "イガラシ", "リョウスケ", "総務課 企画調整係", "主事"),
    "075019": ("根本", "聡", "ネモト", "サトシ", "農政課", "主事"),
    "075027": ("須藤", "真由美", "ストウ", "マユミ", "地域創生課", "主査"),
    "075035": ("宗像", "健", "ムナカタ", "ケン", "総務課", "主事"),
    "075043": ("吉成", "沙織", "ヨシナリ", "サオリ", "企画商工課", "主事"),
    "075051": ("岡部", "大地", "オカベ", "ダイチ", "地域整備課", "主事"),
    "075213": ("柳沼", "彩花", "ヤギヌマ", "アヤカ", "企画政策課", "主事"),
    "075221": ("先崎", "悠", "センザキ", "ユウ", "町民生活課", "主事"),
    "074071": ("星", "和也", "ホシ", "カズヤ", "デジタル変革戦略室", "主事"),
    "113611": ("浅見", "恵", "アサミ", "メグミ", "まち経営課", "主事"),
    "141305": (
        "中村",
        "隆",
        "ナカムラ",
        "タカシ",
        "市民文化局 コミュニティ推進部 協働・連携推進課",
        "主任",
    ),
    "232149": ("竹内", "萌", "タケウチ", "モエ", "企画部 企画政策課", "主事"),
    "232025": ("平岩", "達也", "ヒライワ", "タツヤ", "総合政策部 企画課", "主事"),
}

SITE_ADMIN_EMAIL = "admin@portal.example.jp"
COORDINATOR_EMAIL = f"coordinator@{KORIYAMA_DOMAIN}"
KORIYAMA_STAFF_EMAIL = f"staff@{KORIYAMA_DOMAIN}"
YOKOZE_STAFF_EMAIL = "staff@yokoze.example.jp"
ORG_ADMIN_EMAIL = "admin@foodshare.example.com"
FOODSHARE_MEMBER_EMAIL = "member@foodshare.example.com"
MIRAI_DIGITAL_MEMBER_EMAIL = "member@mirai-digital.example.com"
ASAKANO_NOEN_MEMBER_EMAIL = "member@asakano-noen.example.com"
INTERMEDIARY_MEMBER_EMAIL = "member@kyoso-lab.example.com"
NEWCOMER_EMAIL = "newcomer@example.com"
PENDING_EMAIL = "m.ohashi@mail.example.com"

PENDING_MESSAGE = (
    "田村市 産業部 農林課の大橋です。庁内のメールがLGWAN経由で外部のサイトに届きにくいため、"
    "個人のアドレスで参加を申請します。自治体クエストの食品ロス削減のテーマに参加したいと"
    "考えています。"
)


@dataclass(frozen=True)
class Person:
    email: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    department: str = ""
    position: str = ""
    organisation: str = ""  # name of a demo organisation; empty: none
    role: str = Membership.Role.MEMBER
    status: str = Membership.Status.ACTIVE
    message: str = ""
    site_admin: bool = False


PEOPLE = [
    Person(
        SITE_ADMIN_EMAIL,
        "佐々木",
        "真一",
        "ササキ",
        "シンイチ",
        "官民共創ポータル 運営事務局",
        "システム管理者",
        site_admin=True,
    ),
    Person(
        COORDINATOR_EMAIL,
        "安藤",
        "千尋",
        "アンドウ",
        "チヒロ",
        "政策開発部 政策開発課",
        "主査",
        organisation="郡山市",
        role=Membership.Role.COORDINATOR,
    ),
    Person(
        ORG_ADMIN_EMAIL,
        "遠藤",
        "健太",
        "エンドウ",
        "ケンタ",
        "経営企画部",
        "代表取締役",
        organisation=FOODSHARE,
        role=Membership.Role.ADMIN,
    ),
    Person(
        FOODSHARE_MEMBER_EMAIL,
        "菊地",
        "彩",
        "キクチ",
        "アヤ",
        "事業開発部",
        "主任",
        organisation=FOODSHARE,
    ),
    Person(
        MIRAI_DIGITAL_MEMBER_EMAIL,
        "斎藤",
        "翔",
        "サイトウ",
        "ショウ",
        "自治体DX推進部",
        "コンサルタント",
        organisation=MIRAI_DIGITAL,
    ),
    Person(
        ASAKANO_NOEN_MEMBER_EMAIL,
        "国分",
        "里美",
        "コクブン",
        "サトミ",
        "農産加工部",
        "主任",
        organisation=ASAKANO_NOEN,
    ),
    Person(
        INTERMEDIARY_MEMBER_EMAIL,
        "森",
        "健一",
        "モリ",
        "ケンイチ",
        "共創推進部",
        "プロジェクトマネージャー",
        organisation=KYOSO_LAB,
    ),
    Person(NEWCOMER_EMAIL, "新井", "陽菜", "アライ", "ヒナ"),
    Person(
        PENDING_EMAIL,
        "大橋",
        "美咲",
        "オオハシ",
        "ミサキ",
        "産業部 農林課",
        "主事",
        organisation="田村市",
        status=Membership.Status.PENDING,
        message=PENDING_MESSAGE,
    ),
]


@dataclass(frozen=True)
class MunicipalityRow:
    local_government_code: str
    prefecture: str
    name: str
    name_kana: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class DemoSummary:
    regions: int
    municipalities: int
    companies: int
    intermediaries: int
    domains: int
    users: int
    memberships: int
    pending_requests: int
    created: int
    updated: int
    with_passwords: bool

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_municipalities(path: Path = MUNICIPALITIES_CSV) -> list[MunicipalityRow]:
    """The municipalities of the reference CSV; every code must pass its check digit."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            MunicipalityRow(
                local_government_code=row["local_government_code"].strip(),
                prefecture=row["prefecture"].strip(),
                name=row["name"].strip(),
                name_kana=row["name_kana"].strip(),
                regions=tuple(row["regions"].replace(";", " ").split()),
            )
            for row in csv.DictReader(handle)
        ]
    for row in rows:
        validate_local_government_code(row.local_government_code)
    return rows


def demo_people(municipalities: list[MunicipalityRow] | None = None) -> list[Person]:
    """Every demo user: one staff member per municipality and one person per other role."""
    rows = read_municipalities() if municipalities is None else municipalities
    by_code = {row.local_government_code: row for row in rows}
    staff = [
        Person(
            f"staff@{MUNICIPALITY_DOMAINS[code]}",
            family,
            given,
            family_kana,
            given_kana,
            department,
            position,
            organisation=by_code[code].name,
        )
        for code, (family, given, family_kana, given_kana, department, position) in (
            MUNICIPAL_STAFF.items()
        )
    ]
    return [*PEOPLE, *staff]


def demo_emails() -> list[str]:
    return [person.email for person in demo_people()]


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) of one demo user per role, for the launcher and the README.

    Every municipality also has `staff@<its domain>` with the same password.
    """

    def labelled(label: str, organisation: str) -> str:
        return f"{label} ({organisation})"

    rows = [
        (gettext("Site admin"), SITE_ADMIN_EMAIL),
        (labelled(gettext("Coordinator"), "郡山市"), COORDINATOR_EMAIL),
        (labelled(gettext("Municipal staff"), "郡山市"), KORIYAMA_STAFF_EMAIL),
        (labelled(gettext("Municipal staff"), "横瀬町"), YOKOZE_STAFF_EMAIL),
        (labelled(gettext("Organisation admin"), FOODSHARE), ORG_ADMIN_EMAIL),
        (labelled(gettext("Company member"), FOODSHARE), FOODSHARE_MEMBER_EMAIL),
        (labelled(gettext("Company member"), MIRAI_DIGITAL), MIRAI_DIGITAL_MEMBER_EMAIL),
        (labelled(gettext("Company member"), ASAKANO_NOEN), ASAKANO_NOEN_MEMBER_EMAIL),
        (labelled(gettext("Intermediary member"), KYOSO_LAB), INTERMEDIARY_MEMBER_EMAIL),
        (labelled(gettext("Awaiting approval"), "田村市"), PENDING_EMAIL),
        (gettext("No organisation yet"), NEWCOMER_EMAIL),
    ]
    return [(label, email, DEMO_PASSWORD) for label, email in rows]


class _Tally:
    def __init__(self) -> None:
        self.created = Counter()
        self.updated = Counter()


def _sync(
    model: type[Model],
    key: tuple[str, ...],
    rows: list[dict],
    tally: _Tally,
    *,
    on_create: dict | None = None,
    case_insensitive: tuple[str, ...] = (),
) -> dict[tuple, Model]:
    """Insert missing rows and correct differing fields, in a few queries.

    `key` names the fields that identify a row (those in `case_insensitive` are
    matched ignoring case); `on_create` holds values used only for new rows.
    Returns the objects by key. Nothing is written when nothing differs.
    """

    def key_of(values) -> tuple:
        return tuple(
            values[field].lower() if field in case_insensitive else values[field] for field in key
        )

    match = Q()
    for row in rows:
        match |= Q(
            **{
                f"{field}__iexact" if field in case_insensitive else field: row[field]
                for field in key
            }
        )
    existing: dict[tuple, Model] = {}
    # Oldest first, so the newest row wins when a key has several (e.g. declined, asked again).
    for obj in model._default_manager.filter(match).order_by("pk"):
        existing[key_of({field: getattr(obj, field) for field in key})] = obj

    result: dict[tuple, Model] = {}
    to_create: list[Model] = []
    to_update: list[Model] = []
    changed_fields: set[str] = set()
    for row in rows:
        obj = existing.get(key_of(row))
        if obj is None:
            obj = model(**{**(on_create or {}), **row})
            to_create.append(obj)
        else:
            changed = {f for f, v in row.items() if f not in key and getattr(obj, f) != v}
            for field in changed:
                setattr(obj, field, row[field])
            if changed:
                to_update.append(obj)
                changed_fields |= changed
        result[key_of(row)] = obj
    if to_create:
        model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields))
    tally.created[model._meta.label] += len(to_create)
    tally.updated[model._meta.label] += len(to_update)
    return result


def _sync_passwords(users: list, *, with_passwords: bool, tally: _Tally) -> None:
    """The documented demo password (DEBUG only), else an unusable one.

    Hashing is slow by design, so the hash is made once and shared, and each
    distinct stored hash is checked once: a second run hashes nothing.
    """
    verified: dict[str, bool] = {}
    shared_hash: str | None = None
    changed = []
    for user in users:
        if with_passwords:
            if user.password not in verified:
                verified[user.password] = user.has_usable_password() and check_password(
                    DEMO_PASSWORD, user.password
                )
            if verified[user.password]:
                continue
            if shared_hash is None:
                shared_hash = make_password(DEMO_PASSWORD)
                verified[shared_hash] = True
            user.password = shared_hash
        else:
            if not user.has_usable_password():
                continue
            user.password = make_password(None)
        changed.append(user)
    if changed:
        type(users[0])._default_manager.bulk_update(changed, ["password"])
        tally.updated["password"] += len(changed)


def load_demo(*, with_passwords: bool) -> DemoSummary:
    """Create or correct the demo data; safe to run any number of times."""
    from allauth.account.models import EmailAddress

    from cocreation.accounts.models import User

    municipalities = read_municipalities()
    people = demo_people(municipalities)
    tally = _Tally()
    now = timezone.now()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])

        regions = _sync(Region, ("slug",), REGIONS, tally)

        municipality_rows = [
            {
                "local_government_code": row.local_government_code,
                "kind": Organisation.Kind.MUNICIPALITY,
                "name": row.name,
                "name_kana": row.name_kana,
                "prefecture": row.prefecture,
                "website": MUNICIPALITY_WEBSITES.get(row.local_government_code, ""),
                "is_verified": True,
            }
            for row in municipalities
        ]
        by_code = _sync(Organisation, ("local_government_code",), municipality_rows, tally)
        others = _sync(
            Organisation,
            ("kind", "name"),
            [{**row, "is_verified": True} for row in ORGANISATIONS],
            tally,
        )
        organisations = {obj.name: obj for obj in [*by_code.values(), *others.values()]}
        # bulk_create and bulk_update skip Organisation.save(), which keeps the directory's
        # search columns; those that differ are written here.
        stored = dict(
            Organisation.objects.filter(pk__in=[o.pk for o in organisations.values()]).values_list(
                "pk", "search_text"
            )
        )
        stale = []
        for obj in organisations.values():
            document = organisation_search_document(
                obj.name, obj.name_kana, obj.local_government_code
            )
            if document.text != stored.get(obj.pk):
                stale.append((obj.pk, document))
        store_documents(Organisation, stale)

        # Region memberships are only added: regions an admin gave a municipality stay.
        through = Organisation.regions.through
        links = [
            through(organisation_id=by_code[(row.local_government_code,)].pk, region_id=region.pk)
            for row in municipalities
            for region in (regions[(slug,)] for slug in row.regions)
        ]
        existing_links = set(
            through.objects.filter(
                organisation_id__in=[link.organisation_id for link in links]
            ).values_list("organisation_id", "region_id")
        )
        new_links = [
            link for link in links if (link.organisation_id, link.region_id) not in existing_links
        ]
        through.objects.bulk_create(new_links, ignore_conflicts=True)
        tally.created["region link"] += len(new_links)

        _sync(
            OrganisationDomain,
            ("domain",),
            [
                {
                    "domain": MUNICIPALITY_DOMAINS[row.local_government_code],
                    "organisation_id": by_code[(row.local_government_code,)].pk,
                }
                for row in municipalities
            ],
            tally,
        )

        users = _sync(
            User,
            ("email",),
            [
                {
                    "email": person.email,
                    "family_name": person.family_name,
                    "given_name": person.given_name,
                    "family_name_kana": person.family_name_kana,
                    "given_name_kana": person.given_name_kana,
                    "department": person.department,
                    "position": person.position,
                    "is_active": True,
                    "is_staff": person.site_admin,
                    "is_superuser": person.site_admin,
                }
                for person in people
            ],
            tally,
            on_create={"password": make_password(None), "preferred_language": "ja"},
            case_insensitive=("email",),
        )
        _sync_passwords(list(users.values()), with_passwords=with_passwords, tally=tally)

        addresses = _sync(
            EmailAddress,
            ("user_id", "email"),
            [
                {
                    "user_id": users[(person.email,)].pk,
                    "email": person.email,
                    "verified": True,
                    "primary": True,
                }
                for person in people
            ],
            tally,
            case_insensitive=("email",),
        )
        # Only one primary address per user: the demo address.
        EmailAddress.objects.filter(
            user_id__in=[user.pk for user in users.values()], primary=True
        ).exclude(pk__in=[address.pk for address in addresses.values()]).update(primary=False)

        member_rows = []
        for person in people:
            if not person.organisation:
                continue
            organisation = organisations[person.organisation]
            active = person.status == Membership.Status.ACTIVE
            # Municipal staff whose address is on their municipality's domain join by it.
            by_domain = active and person.email.endswith(
                "@" + MUNICIPALITY_DOMAINS.get(organisation.local_government_code or "", "-")
            )
            member_rows.append(
                {
                    "user_id": users[(person.email,)].pk,
                    "organisation_id": organisation.pk,
                    "role": person.role,
                    "status": person.status,
                    "department": person.department,
                    "position": person.position,
                    "message": person.message,
                    "joined_by_domain": by_domain,
                    "decided_by_id": None,
                    "decision_note": "",
                    # A pending request has no decision yet (a reload reopens it).
                    **({} if active else {"decided_at": None}),
                }
            )
        memberships = _sync(
            Membership,
            ("user_id", "organisation_id"),
            member_rows,
            tally,
            on_create={"decided_at": now},
        )
        _notify_coordinator_of_pending(users, memberships, organisations)

    return DemoSummary(
        regions=len(regions),
        municipalities=len(by_code),
        companies=sum(1 for o in others.values() if o.kind == Organisation.Kind.COMPANY),
        intermediaries=sum(1 for o in others.values() if o.kind == Organisation.Kind.INTERMEDIARY),
        domains=len(municipalities),
        users=len(users),
        memberships=sum(1 for m in memberships.values() if m.status == Membership.Status.ACTIVE),
        pending_requests=sum(
            1 for m in memberships.values() if m.status == Membership.Status.PENDING
        ),
        created=sum(tally.created.values()),
        updated=sum(tally.updated.values()),
        with_passwords=with_passwords,
    )


def _notify_coordinator_of_pending(users, memberships, organisations) -> None:
    """The coordinator sees the pending request in the portal (never by email)."""
    from django.urls import reverse

    from cocreation.notifications.services import notify

    coordinator = users[(COORDINATOR_EMAIL,)]
    requester = users[(PENDING_EMAIL,)]
    organisation = organisations["田村市"]
    membership = memberships[(requester.pk, organisation.pk)]
    if membership.status != Membership.Status.PENDING:
        return
    notify(
        coordinator,
        "membership.requested",
        membership,
        context={
            "person": requester.display_name,
            "email": requester.email,
            "organisation": organisation.name,
            "message": membership.message or "-",
        },
        url=reverse("organisations:requests"),
        email=False,
    )
