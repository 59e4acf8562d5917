from django.urls import path

from dashboard import home, prospect_list, team, views

urlpatterns = [
    path("", home.home, name="home"),
    path("dpo/", views.dpo_dashboard, name="dpo-dashboard"),
    path("prospects/", prospect_list.prospect_list, name="prospects"),
    path("team/", team.team, name="team"),
    path("team/outreach/", team.team_outreach_log, name="team-outreach"),
    path("team/<int:pk>/", team.team_member, name="team-member"),
    path("team/<int:pk>/follow-ups/", team.team_member_follow_ups, name="team-follow-ups"),
]
