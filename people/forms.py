from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import SocialAccount


class SocialAccountForm(forms.ModelForm):
    profile_url = forms.URLField(label=_("Profile URL"), required=False, assume_scheme="https")

    class Meta:
        model = SocialAccount
        fields = ["network", "handle", "profile_url"]
        help_texts = {
            "handle": _("Your public name or @handle on that network. Never a password."),
        }
