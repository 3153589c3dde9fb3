"""Forms of the customer's account pages. They only parse: the accounts and orders services decide.

Every field's error is tied to its input (`aria-describedby`, `aria-invalid`), whether the form found it or the view
added it from a service's error (`add_error`), so a screen reader reads the message with the field.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _


def password_help() -> str:
    minimum = next(
        (
            v.get("OPTIONS", {}).get("min_length", 8)
            for v in settings.AUTH_PASSWORD_VALIDATORS
            if v["NAME"].endswith("MinimumLengthValidator")
        ),
        8,
    )
    return str(_("At least {minimum} characters, not only digits, not a common password.")).format(minimum=minimum)


class AccessibleErrorsMixin:
    """Ties each field's help and errors to its input: `aria-describedby` names `<id>-aide` and `<id>-erreur`."""

    def _describe(self) -> None:
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = []
            if field.help_text:
                ids.append(f"{auto_id}-aide")
            if name in self.errors:
                ids.append(f"{auto_id}-erreur")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        self._describe()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._describe()


class LoginForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, max_length=128, widget=forms.PasswordInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class RegisterForm(AccessibleErrorsMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        help_text=_("For the driver or the pickup point, if something goes wrong with an order."),
    )
    password1 = forms.CharField(label=_("Password"), strip=False, max_length=128, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, max_length=128, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_help()
        for name, value in {
            "full_name": "name",
            "email": "email",
            "phone": "tel",
            "password1": "new-password",
            "password2": "new-password",
        }.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class PasswordResetRequestForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class NewPasswordForm(AccessibleErrorsMixin, SetPasswordForm):
    """Django's form of a password reset (the project's validators), with a plain help text and tied errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_help()
        self.fields["new_password2"].help_text = ""


class ProfileForm(AccessibleErrorsMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"


class PasswordChangeForm(AccessibleErrorsMixin, forms.Form):
    current_password = forms.CharField(
        label=_("Current password"), strip=False, max_length=128, widget=forms.PasswordInput
    )
    new_password1 = forms.CharField(label=_("New password"), strip=False, max_length=128, widget=forms.PasswordInput)
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, max_length=128, widget=forms.PasswordInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_help()
        self.fields["current_password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["new_password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password2"].widget.attrs["autocomplete"] = "new-password"

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class EmailChangeForm(AccessibleErrorsMixin, forms.Form):
    new_email = forms.EmailField(label=_("New email address"), max_length=254)
    password = forms.CharField(label=_("Current password"), strip=False, max_length=128, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_email"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class AccountDeleteForm(AccessibleErrorsMixin, forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False, max_length=128, widget=forms.PasswordInput)
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be erased, for good."), required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class MandateForm(AccessibleErrorsMixin, forms.Form):
    """The subscriber's SEPA mandate: the account holder, the IBAN (checked by invoicing's service), the consent."""

    account_holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(
        label=_("IBAN"), max_length=42, help_text=_("As on your bank details (RIB), spaces allowed: FR76 3000 …")
    )
    accept = forms.BooleanField(
        label=_("I sign this mandate: the Ecopôle may debit my account each month for my cabas invoices."),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_holder"].widget.attrs["autocomplete"] = "name"
        self.fields["iban"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
