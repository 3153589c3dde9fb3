"""The address form of the shop: the fields a customer types (never a latitude). It only parses; the deliveries'
services geocode and check the zones, and their errors come back next to the field they concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deliveries.errors import AddressAmbiguous, AddressNotFound, CoordinatesOutsideZone, OutsideDeliveryZone


class AddressFieldsForm(forms.Form):
    """Street, postcode and commune: the fields of `shop/_address_fields.html` (saved addresses, checkout)."""

    street = forms.CharField(label=_("Number and street"), max_length=255)
    postcode = forms.CharField(label=_("Postcode"), max_length=5, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=100)

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not (postcode.isascii() and postcode.isdigit() and len(postcode) == 5):
            raise forms.ValidationError(_("A postcode has 5 digits."))
        return postcode

    def add_address_error(self, error) -> None:
        """A refusal of the deliveries' services, next to the field it concerns."""
        field = "commune" if isinstance(error, OutsideDeliveryZone) else None
        if isinstance(error, AddressNotFound | AddressAmbiguous | CoordinatesOutsideZone):
            field = "street"
        self.add_error(field, str(error.detail))


class SavedAddressForm(AddressFieldsForm):
    label = forms.CharField(label=_("Name of the address"), max_length=60, help_text=_("E.g. Home, Work."))
    is_default = forms.BooleanField(label=_("Use by default"), required=False)

    field_order = ["label", "street", "postcode", "commune", "is_default"]
