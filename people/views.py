"""Browser pages: login (locked out after repeated failures) and the rep's social accounts.

The home page is the dashboard's (``dashboard.home``): it reads from apps above this one.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import lockout
from core.forms import add_service_errors
from people import selectors, services
from people.forms import SocialAccountForm


class LoginView(auth_views.LoginView):
    """Django's login; the lockout (``core.lockout``) counts and refuses attempts."""

    template_name = "people/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if not lockout.is_refused(self.request):
            return super().form_invalid(form)
        # The same words whether or not the username exists: the password was not checked.
        form.errors.clear()
        form.add_error(None, lockout.LOCKED_OUT_MESSAGE)
        return self.render_to_response(self.get_context_data(form=form), status=429)


@login_required
def social_accounts(request):
    employee = selectors.employee_of(request.user)
    form = SocialAccountForm(request.POST or None)
    if request.method == "POST" and employee is not None and form.is_valid():
        try:
            services.social_account_create(employee=employee, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Account registered."))
            return redirect("social-accounts")
    return render(
        request,
        "people/social_accounts.html",
        {
            "employee": employee,
            "form": form,
            "accounts": selectors.social_accounts_of(request.user),
            "removed": selectors.social_accounts_removed_of(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def social_account_edit(request, pk):
    account = selectors.social_account_get(user=request.user, pk=pk)
    # A ModelForm writes what it cleans onto its instance: give it a copy, so the service
    # compares the typed values with the stored ones.
    form = SocialAccountForm(
        request.POST or None, instance=selectors.social_account_get(user=request.user, pk=pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.social_account_update(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Account updated."))
            return redirect("social-accounts")
    return render(
        request,
        "people/social_account_edit.html",
        {"account": account, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def social_account_remove(request, pk):
    """Asks first; on POST the account leaves the pickers and the list, its history stays."""
    account = selectors.social_account_get(user=request.user, pk=pk)
    if request.method == "POST":
        services.social_account_remove(actor=request.user, account=account)
        messages.success(request, _("Account removed. What was done with it stays on record."))
        return redirect("social-accounts")
    return render(request, "people/social_account_remove.html", {"account": account})
