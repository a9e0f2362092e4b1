from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from cocreation.core.admin import PortalAdminMixin, PortalTabularInline
from cocreation.core.forms import PortalFormMixin
from cocreation.organisations.models import Membership

from .models import User


class PortalUserCreationForm(PortalFormMixin, UserCreationForm):
    """The admin's "add user" form, with the portal's input rules."""

    class Meta:
        model = User
        fields = ("email",)


class PortalUserChangeForm(PortalFormMixin, UserChangeForm):
    """The admin's user form, with the portal's input rules (the model's validators too)."""

    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(PortalTabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "status", "department", "position", "joined_by_domain")
    readonly_fields = ("joined_by_domain",)
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "department", "position", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "preferred_language")
    show_full_result_count = False
    search_fields = ("email", "family_name", "given_name", "family_name_kana", "given_name_kana")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    ("family_name", "given_name"),
                    ("family_name_kana", "given_name_kana"),
                    "department",
                    "position",
                    "phone",
                    "preferred_language",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name
