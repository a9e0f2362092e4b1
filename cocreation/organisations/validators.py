from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def local_government_check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード (Ministry of Internal Affairs rule).

    Weighted sum of the first five digits by 6, 5, 4, 3, 2; 11 minus its
    remainder modulo 11; the last digit of that.
    """
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_local_government_code(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("A local-government code has exactly 6 digits, e.g. 072036."), code="format"
        )
    if local_government_check_digit(value[:5]) != int(value[5]):
        raise ValidationError(
            _("The last digit of %(code)s does not match its check digit; please check the code."),
            code="check_digit",
            params={"code": value},
        )


def normalise_domain(value: str) -> str:
    return value.strip().lower().lstrip("@").rstrip(".")


def validate_email_domain(value: str) -> None:
    domain = normalise_domain(value)
    labels = domain.split(".")
    if len(labels) < 2 or not all(
        label
        and len(label) <= 63
        and all(c.isalnum() or c == "-" for c in label)
        and label.isascii()
        for label in labels
    ):
        raise ValidationError(
            _("Enter a mail domain such as city.koriyama.lg.jp (without @)."), code="domain"
        )
