"""The demo data: real codes and regions, fictional addresses, idempotent loading."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils.translation import gettext

from cocreation import permissions
from cocreation.accounts.models import User
from cocreation.notifications.models import Notification
from cocreation.organisations.models import Membership, Organisation, OrganisationDomain, Region
from cocreation.organisations.validators import validate_local_government_code
from demo import organisations as demo
from demo.desks import YOKOZE_PEOPLE
from demo.quests import FOOD_LOSS_TEAM
from demo.studygroups import KAWASAKI_SECRETARIAT, KAWASAKI_STAFF, OTHERS

KORIYAMA_WIDE_AREA = {
    "郡山市",
    "須賀川市",
    "二本松市",
    "田村市",
    "本宮市",
    "大玉村",
    "鏡石町",
    "天栄村",
    "猪苗代町",
    "石川町",
    "玉川村",
    "平田村",
    "浅川町",
    "古殿町",
    "三春町",
    "小野町",
}

pytestmark = pytest.mark.django_db


def load(settings, *, debug: bool) -> str:
    settings.DEBUG = debug
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "organisations": Organisation.objects.count(),
        "region links": Organisation.regions.through.objects.count(),
        "domains": OrganisationDomain.objects.count(),
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_the_csv_in_the_repository_has_every_municipality_with_a_valid_code():
    assert demo.MUNICIPALITIES_CSV.is_file()
    rows = {row.name: row for row in demo.read_municipalities()}
    assert rows["蒲郡市"].local_government_code == "232149"
    assert rows["岡崎市"].local_government_code == "232025"
    assert rows["川崎市"].local_government_code == "141305"
    assert {row.prefecture for row in rows.values() if row.name in {"蒲郡市", "岡崎市"}} == {
        "愛知県"
    }
    for row in rows.values():
        validate_local_government_code(row.local_government_code)
    assert set(demo.MUNICIPALITY_DOMAINS) == {r.local_government_code for r in rows.values()}


def test_load_demo_brings_the_16_municipalities_of_the_koriyama_wide_area(settings):
    output = load(settings, debug=False)
    region = Region.objects.get(slug="koriyama-wide-area")
    assert region.name == "こおりやま広域圏"
    assert "16" in region.description and "磐梯町" in region.description
    members = list(region.organisations.all())
    assert {o.name for o in members} == KORIYAMA_WIDE_AREA
    assert len(members) == 16
    for organisation in members:
        assert organisation.kind == Organisation.Kind.MUNICIPALITY
        assert organisation.prefecture == "福島県"
        assert organisation.name_kana
        validate_local_government_code(organisation.local_government_code)
    assert Organisation.objects.get(name="郡山市").local_government_code == "072036"
    assert "21" in output  # municipalities in the summary


def test_running_twice_creates_no_duplicates_and_changes_nothing(settings):
    load(settings, debug=True)
    first = counts()
    passwords = dict(User.objects.values_list("email", "password"))
    assert first["organisations"] == 21 + 4
    output = load(settings, debug=True)
    assert counts() == first
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert gettext("Nothing changed: the demo data was already loaded.") in output
    summary = demo.load_demo(with_passwords=True)
    assert not summary.changed
    assert counts() == first


def test_koriyama_has_its_official_domain_and_every_municipality_one(settings):
    load(settings, debug=False)
    koriyama = Organisation.objects.get(local_government_code="072036")
    assert list(koriyama.domains.values_list("domain", flat=True)) == ["city.koriyama.lg.jp"]
    for municipality in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY):
        domains = list(municipality.domains.values_list("domain", flat=True))
        assert len(domains) == 1
        assert domains[0] == "city.koriyama.lg.jp" or domains[0].endswith(".example.jp")


def test_the_yokoze_bandai_network_has_exactly_the_two_towns(settings):
    load(settings, debug=False)
    region = Region.objects.get(slug="yokoze-bandai")
    assert "よこらぼ" in region.description
    towns = {(o.name, o.prefecture) for o in region.organisations.all()}
    assert towns == {("磐梯町", "福島県"), ("横瀬町", "埼玉県")}


def test_demo_users_have_no_usable_password_when_debug_is_off(settings, client):
    output = load(settings, debug=False)
    notice = gettext(
        "Passwords are set only when DEBUG is on; the demo users cannot log in with a password."
    )
    assert notice in output
    assert demo.DEMO_PASSWORD not in output
    users = User.objects.filter(email__in=demo.demo_emails())
    assert users.count() == len(demo.demo_emails())
    assert not any(user.has_usable_password() for user in users)
    assert not client.login(email=demo.COORDINATOR_EMAIL, password=demo.DEMO_PASSWORD)


def test_demo_users_log_in_with_the_documented_password_when_debug_is_on(settings, client):
    output = load(settings, debug=True)
    assert demo.DEMO_PASSWORD == "kyoso-demo-2020"
    for _role, email, password in demo.demo_logins():
        assert email in output and password in output
    for email in demo.demo_emails():
        assert client.login(email=email, password=demo.DEMO_PASSWORD), email
        client.logout()


def test_switching_debug_off_takes_the_demo_password_away(settings, client):
    load(settings, debug=True)
    load(settings, debug=False)
    assert not client.login(email=demo.SITE_ADMIN_EMAIL, password=demo.DEMO_PASSWORD)
    assert not User.objects.filter(email__in=demo.demo_emails())[0].has_usable_password()


def test_every_demo_address_is_fictional_or_koriyamas(settings):
    load(settings, debug=False)
    allowed = demo.DEMO_EMAIL_DOMAINS
    assert set(allowed) == {"city.koriyama.lg.jp", "example.jp", "example.com"}
    emails = list(User.objects.values_list("email", flat=True))
    emails += list(EmailAddress.objects.values_list("email", flat=True))
    # Every user of the demo: the organisations' people, the food-loss quest's team and the
    # other members of the 2020 研究塾 cohort, Kawasaki's staff projects, and Yokoze's
    # departments and board of よこらぼ.
    made = (
        len(demo.demo_emails())
        + len(FOOD_LOSS_TEAM)
        + len(OTHERS)
        + len(KAWASAKI_STAFF)
        + len(KAWASAKI_SECRETARIAT)
        + 1  # the staff member who moved department (demo/handovers.py)
        + len(YOKOZE_PEOPLE)
    )
    assert len(emails) == 2 * made
    for email in emails:
        domain = email.rsplit("@", 1)[1]
        assert any(domain == d or domain.endswith("." + d) for d in allowed), email
    for organisation in Organisation.objects.exclude(website=""):
        host = organisation.website.split("/")[2]
        assert host == "www.city.koriyama.lg.jp" or host.endswith(".example.com"), host


def test_every_demo_user_has_a_verified_primary_address(settings):
    load(settings, debug=False)
    for user in User.objects.all():
        address = EmailAddress.objects.get(user=user, primary=True)
        assert address.verified and address.email == user.email


def test_demo_logins_list_every_role(settings):
    load(settings, debug=False)
    logins = demo.demo_logins()
    assert all(password == demo.DEMO_PASSWORD for _role, _email, password in logins)
    labels = " ".join(role for role, _email, _password in logins)
    for role in [
        "Site admin",
        "Coordinator",
        "Municipal staff",
        "Organisation admin",
        "Company member",
        "Intermediary member",
        "Awaiting approval",
        "No organisation yet",
    ]:
        assert gettext(role) in labels, role

    users = {email: User.objects.get(email=email) for _role, email, _password in logins}
    assert permissions.is_site_admin(users[demo.SITE_ADMIN_EMAIL])
    assert users[demo.SITE_ADMIN_EMAIL].is_superuser
    assert permissions.is_coordinator(users[demo.COORDINATOR_EMAIL])
    assert permissions.is_municipal_staff(users[demo.COORDINATOR_EMAIL])
    assert permissions.is_municipal_staff(users[demo.KORIYAMA_STAFF_EMAIL])
    foodshare = Organisation.objects.get(name=demo.FOODSHARE)
    assert permissions.is_organisation_admin(users[demo.ORG_ADMIN_EMAIL], foodshare)
    for email in [
        demo.FOODSHARE_MEMBER_EMAIL,
        demo.MIRAI_DIGITAL_MEMBER_EMAIL,
        demo.ASAKANO_NOEN_MEMBER_EMAIL,
    ]:
        assert permissions.is_company_member(users[email])
    intermediary = permissions.active_memberships(users[demo.INTERMEDIARY_MEMBER_EMAIL])
    assert [m.organisation.kind for m in intermediary] == [Organisation.Kind.INTERMEDIARY]
    assert not permissions.has_organisation(users[demo.NEWCOMER_EMAIL])
    assert not permissions.has_organisation(users[demo.PENDING_EMAIL])
    non_admins = [user for email, user in users.items() if email != demo.SITE_ADMIN_EMAIL]
    assert not any(user.is_staff or user.is_superuser for user in non_admins)


def test_the_pending_request_waits_for_the_koriyama_coordinator(settings):
    load(settings, debug=False)
    request = Membership.objects.get(user__email=demo.PENDING_EMAIL)
    assert request.status == Membership.Status.PENDING
    assert request.organisation.name == "田村市"
    assert request.decided_at is None and request.message
    coordinator = User.objects.get(email=demo.COORDINATOR_EMAIL)
    assert permissions.can_decide_membership(coordinator, request)
    notification = Notification.objects.get(recipient=coordinator, kind="membership.requested")
    assert notification.email_status == Notification.EmailStatus.NOT_SENT


def test_every_municipality_has_a_staff_member_on_its_domain(settings):
    load(settings, debug=False)
    for domain in OrganisationDomain.objects.select_related("organisation"):
        staff = User.objects.get(email=f"staff@{domain.domain}")
        assert staff.family_name and staff.given_name
        assert staff.family_name_kana and staff.given_name_kana
        assert staff.department and staff.position
        membership = Membership.objects.get(user=staff)
        assert membership.organisation == domain.organisation
        assert membership.status == Membership.Status.ACTIVE and membership.joined_by_domain


def test_a_koriyama_handover_waits_for_its_coordinator(settings):
    """Issue 14: 上野 of 郡山市 moved department on 1 April; the draft quest's team
    place and the Big-i room wait for a successor, and the coordinator was told."""
    from cocreation.organisations.models import Handover
    from demo.handovers import MOVER_EMAIL

    load(settings, debug=False)
    handover = Handover.objects.get(person__email=MOVER_EMAIL)
    assert handover.status == "pending" and handover.moved_on.month == 4
    assert {i.kind for i in handover.items.all()} == {"quests.team_member", "spaces.coordinator"}
    coordinator = User.objects.get(email=demo.COORDINATOR_EMAIL)
    told = Notification.objects.get(recipient=coordinator, kind="handover.opened")
    assert told.email_status == Notification.EmailStatus.NOT_SENT


def test_the_yokoze_bandai_network_has_its_agreement_and_fields(settings):
    """Issue 14 (seed 001): the agreement, and Yokoze leading 官民共創, Bandai DX."""
    from cocreation.organisations.models import NetworkAgreement, NetworkField

    load(settings, debug=False)
    agreement = NetworkAgreement.objects.get(region__slug=demo.YOKOZE_BANDAI)
    assert agreement.title == "広域・共創ネットワーク構築に関する協定"
    assert agreement.signed_on.year == 2022 and "官⇄官人材交流" in agreement.text
    fields = {(f.organisation.name, f.field) for f in NetworkField.objects.all()}
    assert ("横瀬町", "官民共創") in fields
    assert ("磐梯町", "DX（デジタル・トランスフォーメーション）") in fields
