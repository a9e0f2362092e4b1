import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from cocreation.organisations.models import Organisation
from cocreation.organisations.validators import validate_local_government_code

SEED = Path(__file__).resolve().parents[2] / "demo/data/municipalities.csv"


@pytest.mark.parametrize("code", ["072036", "072117", "113611", "141305", "074071"])
def test_real_local_government_codes_are_accepted(code):
    validate_local_government_code(code)


@pytest.mark.parametrize("code", ["072035", "072037", "113610"])
def test_wrong_check_digit_is_refused_with_reason(code):
    with pytest.raises(ValidationError) as error:
        validate_local_government_code(code)
    assert error.value.code == "check_digit"


@pytest.mark.parametrize("code", ["07203", "0720366", "07203a", "０７２０３６"])
def test_codes_that_are_not_six_ascii_digits_are_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_local_government_code(code)
    assert error.value.code == "format"


def test_every_seeded_municipality_code_is_valid():
    if not SEED.exists():
        pytest.skip("seed file not present")
    with SEED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            validate_local_government_code(row["local_government_code"])


@pytest.mark.django_db
def test_database_refuses_a_municipality_without_code():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Organisation.objects.create(kind="municipality", name="コードなし町")


@pytest.mark.django_db
def test_municipality_form_shows_check_digit_message_in_japanese():
    org = Organisation(kind="municipality", name="郡山市", local_government_code="072035")
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "検査数字" in str(error.value)
