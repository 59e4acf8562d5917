from django.urls import path

from onboarding import views

urlpatterns = [
    path("me/onboarding/", views.my_onboarding, name="my-onboarding"),
    path("me/pre-hire-contacts/", views.pre_hire_contacts, name="pre-hire-contacts"),
    path(
        "me/pre-hire-contacts/decide/",
        views.contribution_decide,
        name="pre-hire-contacts-decide",
    ),
    path("hr/onboarding/", views.hr_onboarding, name="hr-onboarding"),
    path("hr/employees/new/", views.employee_new, name="employee-new"),
    # Acknowledging a charter and recording a training may complete the checklist.
    path(
        "me/compliance/<int:pk>/acknowledge/",
        views.charter_acknowledge,
        name="charter-acknowledge",
    ),
    path("hr/compliance/", views.team_compliance, name="team-compliance"),
]
