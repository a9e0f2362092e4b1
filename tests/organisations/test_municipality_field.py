"""A municipality is typed, not picked from a select of all 1,741 (issue 12): by its
name, its reading or its 地方公共団体コード, with names several municipalities share
(伊達市 of 北海道 and of 福島県) told apart by their code. The following page and the
quest form's co-hosts both read municipalities this way."""

import pytest
from django.urls import reverse

from cocreation.organisations.forms import MunicipalitiesField, MunicipalityField
from cocreation.organisations.selectors import organisation_named
from quests.models import Follow, Quest
from tests import factories
from tests.quests.factories import quest_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipalities(koriyama, tamura):
    """郡山市 and 田村市 of the fixtures, with readings, and the two 伊達市 (real codes)."""
    for organisation, kana in ((koriyama, "こおりやまし"), (tamura, "たむらし")):
        organisation.name_kana = kana
        organisation.save()
    date_hokkaido = factories.make_municipality("伊達市", "012335", domain="", prefecture="北海道")
    date_fukushima = factories.make_municipality("伊達市", "072133", domain="")
    for organisation in (date_hokkaido, date_fukushima):
        organisation.name_kana = "だてし"
        organisation.save()
    sukagawa = factories.make_municipality("須賀川市", "072079", domain="")
    return {
        "koriyama": koriyama,
        "tamura": tamura,
        "date_hokkaido": date_hokkaido,
        "date_fukushima": date_fukushima,
        "sukagawa": sukagawa,
    }


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("072036", "koriyama"),
        ("０７２０３６", "koriyama"),
        ("07203", "koriyama"),  # without the check digit
        ("郡山市", "koriyama"),
        ("  郡山市 ", "koriyama"),
        ("こおりやまし", "koriyama"),
        ("コオリヤマシ", "koriyama"),
        ("郡山", "koriyama"),  # part of exactly one name
        ("福島県郡山市", "koriyama"),
        ("福島県伊達市", "date_fukushima"),
        ("北海道伊達市", "date_hokkaido"),
        ("伊達市 (072133)", "date_fukushima"),
        ("伊達市（012335）", "date_hokkaido"),
        ("072133", "date_fukushima"),
    ],
)
def test_a_typed_reference_names_one_municipality(municipalities, typed, expected):
    assert organisation_named(typed).found == municipalities[expected]
    assert MunicipalityField().clean(typed) == municipalities[expected]


def test_the_label_a_form_writes_reads_back_as_the_same_municipality(municipalities):
    field = MunicipalityField()
    for organisation in municipalities.values():
        assert field.clean(field.prepare_value(organisation)) == organisation
    assert field.prepare_value(municipalities["date_fukushima"]) == "福島県伊達市 (072133)"


def test_a_shared_name_asks_for_the_code_and_lists_each_with_its_code(municipalities):
    match = organisation_named("伊達市")
    assert match.found is None
    assert set(match.candidates) == {
        municipalities["date_hokkaido"],
        municipalities["date_fukushima"],
    }
    with pytest.raises(Exception) as refused:
        MunicipalityField().clean("だてし")
    message = refused.value.messages[0]
    assert "北海道伊達市 (012335)" in message and "福島県伊達市 (072133)" in message
    assert "地方公共団体コード" in message


@pytest.mark.parametrize("typed", ["火星市", "131016", "福島県", "札幌"])
def test_a_reference_to_no_municipality_is_refused_with_what_to_type(municipalities, typed):
    with pytest.raises(Exception) as refused:
        MunicipalityField().clean(typed)
    assert refused.value.messages == [
        f"「{typed}」という市区町村は見つかりません。団体名、読み、または地方公共団体コード"
        "（例：072036）を入力してください。"
    ]


def test_a_company_is_never_found_as_a_municipality(municipalities, company):
    assert organisation_named(company.name).found is None


def test_many_partial_matches_are_listed_in_part(municipalities):
    for n in range(8):
        factories.make_municipality(f"北山{n}村", f"0799{n}0", domain="")
    match = organisation_named("北山")
    assert match.found is None and len(match.candidates) == 5 and match.more
    with pytest.raises(Exception) as refused:
        MunicipalityField().clean("北山")
    assert "多数あります" in refused.value.messages[0]


def test_several_municipalities_are_read_from_one_box_each_once(municipalities):
    field = MunicipalitiesField(required=False)
    assert field.clean("須賀川市、072133,田村市，須賀川市") == [
        municipalities["sukagawa"],
        municipalities["date_fukushima"],
        municipalities["tamura"],
    ]
    assert field.clean("") == []
    assert field.clean(
        field.prepare_value([municipalities["tamura"], municipalities["sukagawa"]])
    ) == [
        municipalities["tamura"],
        municipalities["sukagawa"],
    ]


def test_each_bad_reference_of_several_gets_its_own_message(municipalities):
    with pytest.raises(Exception) as refused:
        MunicipalitiesField().clean("田村市、伊達市、火星市")
    messages = refused.value.messages
    assert len(messages) == 2
    assert "伊達市" in messages[0] and "072133" in messages[0]
    assert "火星市" in messages[1]


def test_more_than_the_maximum_is_refused(municipalities):
    with pytest.raises(Exception) as refused:
        MunicipalitiesField(max_count=2).clean("田村市、郡山市、須賀川市")
    assert refused.value.messages == ["市区町村は2件まで指定できます。"]


# --- the following page ---------------------------------------------------------------


def _options(page: str) -> int:
    return page.count("<option")


def test_the_following_page_types_a_municipality_instead_of_listing_them_all(
    client, company_user, municipalities
):
    client.force_login(company_user)
    before = _options(client.get(reverse("quests:following")).content.decode())
    for n in range(30):
        code = f"01{n:03d}"
        factories.make_municipality(f"テスト{n}町", code + "0", domain="", prefecture="北海道")
    page = client.get(reverse("quests:following")).content.decode()
    assert _options(page) == before
    assert 'name="municipality"' in page and 'id="id_municipality_municipality"' in page


def test_a_shared_name_on_the_following_page_asks_for_the_code_and_keeps_the_input(
    client, company_user, municipalities
):
    client.force_login(company_user)
    url = reverse("quests:follow_add", args=["municipality"])
    response = client.post(url, {"municipality": "伊達市"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="伊達市"' in page
    assert "北海道伊達市 (012335)" in page and "福島県伊達市 (072133)" in page
    assert 'aria-invalid="true"' in page
    assert not Follow.objects.exists()
    response = client.post(url, {"municipality": "072133"})
    assert response.status_code == 302
    assert Follow.objects.get().municipality == municipalities["date_fukushima"]


def test_an_empty_municipality_box_is_refused_beside_the_field(
    client, company_user, municipalities
):
    client.force_login(company_user)
    response = client.post(
        reverse("quests:follow_add", args=["municipality"]), {"municipality": ""}
    )
    assert response.status_code == 400
    assert "フォローする市区町村を入力してください。" in response.content.decode()
    assert not Follow.objects.exists()


def test_a_follow_button_still_sends_the_municipalitys_id(client, company_user, municipalities):
    client.force_login(company_user)
    target = municipalities["date_hokkaido"]
    response = client.post(
        reverse("quests:follow_add", args=["municipality"]),
        {"target": target.pk, "next": reverse("quests:list")},
    )
    assert response.status_code == 302
    assert Follow.objects.get().municipality == target


# --- the quest form's co-hosts -----------------------------------------------------------


def test_co_hosts_are_typed_and_saved(client, staff_user, municipalities):
    client.force_login(staff_user)
    page = client.get(reverse("quests:create")).content.decode()
    assert "田村市</option>" not in page and 'name="co_hosts"' in page
    response = client.post(
        reverse("quests:create"),
        quest_form_data(municipalities["koriyama"], co_hosts="田村市、072133"),
    )
    assert response.status_code == 302
    quest = Quest.objects.get()
    assert {c.organisation for c in quest.co_hosts.all()} == {
        municipalities["tamura"],
        municipalities["date_fukushima"],
    }
    edit = client.get(reverse("quests:edit", args=[quest.pk])).content.decode()
    assert "福島県田村市 (072117)" in edit and "福島県伊達市 (072133)" in edit


def test_an_ambiguous_co_host_is_refused_beside_the_field_with_the_form_kept(
    client, staff_user, municipalities
):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:create"),
        quest_form_data(municipalities["koriyama"], co_hosts="田村市、伊達市"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["co_hosts"]
    assert len(errors) == 1 and "012335" in errors[0] and "072133" in errors[0]
    page = response.content.decode()
    assert 'value="田村市、伊達市"' in page and 'value="除雪車の位置情報の見える化"' in page
    assert not Quest.objects.exists()


def test_hostile_co_host_input_is_refused_not_a_server_error(client, staff_user, municipalities):
    client.force_login(staff_user)
    for typed in ["田村市\u202e", "x" * 2001, "、" * 50, "%_%", "'; DROP TABLE x;--"]:
        response = client.post(
            reverse("quests:create"), quest_form_data(municipalities["koriyama"], co_hosts=typed)
        )
        assert response.status_code in (200, 302), typed
    # Separators alone name nothing: the quest is saved without co-hosts.
    assert all(not q.co_hosts.exists() for q in Quest.objects.all())


def test_a_reference_longer_than_any_name_is_refused_without_a_search(municipalities):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, pytest.raises(Exception) as refused:
        MunicipalitiesField().clean("田村市、" + "あ" * 61)
    assert refused.value.messages == ["「" + "あ" * 20 + "…」は市区町村名として長すぎます。"]
    assert len(queries) == 1  # 田村市 only


@pytest.mark.parametrize(
    "typed",
    ["須賀川市 (072036)", "福島県伊達市 (072036)", "12072036", "072036072036", "コード072036"],
)
def test_a_name_and_a_code_that_disagree_are_refused(municipalities, typed):
    """An edited 福島県須賀川市 (072079) whose name was changed and code kept kept the old
    municipality without a word."""
    with pytest.raises(Exception) as refused:
        MunicipalityField().clean(typed)
    [message] = refused.value.messages
    assert "名称とコードが合いません" in message and "福島県郡山市 (072036)" in message


@pytest.mark.parametrize(
    "typed", ["福島県郡山市 (072036)", "福島県 郡山市（０７２０３６）", "こおりやまし 072036"]
)
def test_a_name_that_agrees_with_its_code_is_read(municipalities, typed):
    assert MunicipalityField().clean(typed) == municipalities["koriyama"]


def test_a_wrong_check_digit_says_so(municipalities):
    with pytest.raises(Exception) as refused:
        MunicipalityField().clean("072037")
    assert (
        "チェックディジット" in refused.value.messages[0] or "072037" in refused.value.messages[0]
    )
    assert "見つかりません" not in refused.value.messages[0]


def test_separators_alone_name_nothing(municipalities):
    with pytest.raises(Exception) as refused:
        MunicipalityField().clean("、、、,,,")
    assert refused.value.messages == ["このフィールドは必須です。"]
    assert MunicipalityField(required=False).clean("、、、") is None
    with pytest.raises(Exception) as refused:
        MunicipalitiesField().clean("、、、,,,")
    assert refused.value.messages == ["このフィールドは必須です。"]


def test_one_character_names_only_a_whole_name(municipalities):
    assert organisation_named("山").found is None


def test_the_same_municipality_typed_many_times_counts_once(municipalities):
    assert MunicipalitiesField(max_count=2).clean("、".join(["072079"] * 21)) == [
        municipalities["sukagawa"]
    ]


def test_the_host_is_not_its_own_co_host(client, staff_user, municipalities):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:create"), quest_form_data(municipalities["koriyama"], co_hosts="郡山市")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["co_hosts"] == [
        "郡山市はすでに主催自治体です。共同主催から外してください。"
    ]


@pytest.mark.parametrize("target", ["99999", "company"])
def test_a_refused_follow_button_id_is_said_beside_the_box(
    client, company_user, municipalities, company, target
):
    client.force_login(company_user)
    value = company.pk if target == "company" else target
    response = client.post(
        reverse("quests:follow_add", args=["municipality"]), {"target": value, "municipality": ""}
    )
    assert response.status_code == 400
    errors = response.context["groups"][2]["form"].errors
    assert errors.get("municipality") and "target" not in errors


def test_each_error_is_tied_to_its_field_for_screen_readers(client, company_user, municipalities):
    import re

    client.force_login(company_user)
    page = client.post(
        reverse("quests:follow_add", args=["municipality"]), {"municipality": "伊達市"}
    ).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described
    for ids in described:
        for id_ in ids.split():
            assert f'id="{id_}"' in page, id_


def test_middle_dots_slashes_and_spaces_separate_municipalities(municipalities):
    # People write lists of municipalities as 須賀川市・田村市 or with spaces as often
    # as with 、; a space inside one reference (福島県 伊達市) still names one.
    field = MunicipalitiesField()
    expected = [municipalities["sukagawa"], municipalities["tamura"], municipalities["koriyama"]]
    for typed in ["須賀川市・田村市・郡山市", "須賀川市／田村市/郡山市", "須賀川市 田村市　郡山市"]:
        assert field.clean(typed) == expected, typed
    assert field.clean("福島県 伊達市") == [municipalities["date_fukushima"]]
    assert field.clean("伊達市 (072133)・田村市") == [
        municipalities["date_fukushima"],
        municipalities["tamura"],
    ]


def test_words_of_a_spaced_reference_are_told_apart_only_when_each_names_one(municipalities):
    field = MunicipalitiesField()
    with pytest.raises(Exception) as refused:
        field.clean("伊達市 田村市")
    # The shared name is asked about on its own; 田村市 was read.
    assert len(refused.value.messages) == 1
    assert "伊達市" in refused.value.messages[0] and "072133" in refused.value.messages[0]
    with pytest.raises(Exception) as refused:
        field.clean("郡山 市役所")
    assert refused.value.messages == [
        MunicipalityField.default_error_messages["not_found"] % {"text": "郡山 市役所"}
    ]


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_an_invisible_character_in_a_typed_municipality_is_named_beside_the_field(
    client, company_user, municipalities, invisible
):
    # 郡山<U+200B>市 looks like 郡山市 and would be "not found" with no visible reason.
    client.force_login(company_user)
    response = client.post(
        reverse("quests:follow_add", args=["municipality"]),
        {"municipality": f"郡山{invisible}市"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"U+{ord(invisible):04X}" in page
    assert "目に見えない制御文字" in page
    assert not Follow.objects.exists()


def test_a_name_and_code_that_disagree_are_never_read_word_by_word(municipalities):
    # 田村市 (072036) names nothing as a whole; its words would name 田村市 and 郡山市.
    field = MunicipalitiesField()
    for typed in ["田村市 (072036)", "福島県伊達市 (012335)"]:
        with pytest.raises(Exception) as refused:
            field.clean(typed)
        assert len(refused.value.messages) == 1, typed
        assert "合いません" in refused.value.messages[0], typed


def test_a_code_in_brackets_stays_with_its_name_among_spaced_words(municipalities):
    assert MunicipalitiesField().clean("伊達市 (012335) 須賀川市") == [
        municipalities["date_hokkaido"],
        municipalities["sukagawa"],
    ]
    with pytest.raises(Exception) as refused:
        MunicipalitiesField().clean("伊達市 伊達市")
    assert len(refused.value.messages) == 1


def test_the_maximum_counts_the_municipalities_read_from_spaced_words(municipalities):
    with pytest.raises(Exception) as refused:
        MunicipalitiesField(max_count=2).clean("須賀川市 田村市 郡山市、伊達市 (072133)")
    assert refused.value.messages == ["市区町村は2件まで指定できます。"]
