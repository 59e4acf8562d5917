from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from core.dates import in_range
from people.models import Employee, Role, SocialAccount
from people.selectors import active_employees, roles_grantable_by


class SocialAccountForm(forms.ModelForm):
    profile_url = forms.URLField(label=_("Profile URL"), required=False, assume_scheme="https")

    class Meta:
        model = SocialAccount
        fields = ["network", "handle", "profile_url"]
        help_texts = {
            "handle": _("Your public name or @handle on that network. Never a password."),
        }


class EmployeeForm(forms.Form):
    """HR creates an employee: the login, the role, the hire date and an initial password.

    The roles offered are those ``actor`` may give: HR never sees dpo or admin.
    """

    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    role = forms.ChoiceField(label=_("Role"))
    hire_date = forms.DateField(
        label=_("Hire date"),
        validators=[in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=Employee.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the employee in person; they use it to log in."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        grantable = roles_grantable_by(actor)
        self.fields["role"].choices = [c for c in Role.choices if c[0] in grantable]
        # Read per form: a manager past their departure date is no longer offered.
        self.fields["manager"].queryset = (
            active_employees().filter(role=Role.MANAGER).select_related("user")
        )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("username"):
            user = get_user_model()(username=data["username"])
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
