from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import validate_single_line

kana_validator = RegexValidator(
    r"^[\u30a0-\u30ff\u3040-\u309f\u3000 ー・]+$",
    _("Enter the reading in katakana or hiragana."),
)
phone_validator = RegexValidator(
    r"^[0-9０-９+()（）\- ー－]{6,20}$",
    _("Enter a phone number using digits and hyphens, e.g. 024-924-2021."),
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def lock(self, user) -> None:
        """Take the user's row lock for the rest of the transaction: one person's
        simultaneous requests (two tabs, a double click) then run one after the other."""
        self.select_for_update().only("pk").get(pk=user.pk)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address (no username)."""

    class Language(models.TextChoices):
        JAPANESE = "ja", _("Japanese")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True)
    family_name = models.CharField(
        _("family name"), max_length=50, blank=True, validators=[validate_single_line]
    )
    given_name = models.CharField(
        _("given name"), max_length=50, blank=True, validators=[validate_single_line]
    )
    family_name_kana = models.CharField(
        _("family name (kana)"),
        max_length=50,
        blank=True,
        validators=[validate_single_line, kana_validator],
    )
    given_name_kana = models.CharField(
        _("given name (kana)"),
        max_length=50,
        blank=True,
        validators=[validate_single_line, kana_validator],
    )
    department = models.CharField(
        _("department"), max_length=100, blank=True, validators=[validate_single_line]
    )
    position = models.CharField(
        _("position"), max_length=100, blank=True, validators=[validate_single_line]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.JAPANESE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Secret part of the private calendar feed addresses (made on first use, can be reset).
    calendar_token = models.CharField(max_length=43, unique=True, null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["family_name_kana", "given_name_kana", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.family_name} {self.given_name}".strip()
        return name or self.email

    @property
    def display_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.family_name or self.email

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()
