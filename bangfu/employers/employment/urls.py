from django.urls import path

from bangfu.employers.employment import views

urlpatterns = [
    path("employments/", views.employment_list, name="employment_list"),
    path("employments/start/", views.employment_start, name="employment_start"),
    path("employments/<int:pk>/", views.employment_detail, name="employment_detail"),
    path("employments/<int:pk>/end/", views.employment_end, name="employment_end"),
    path("rosters/", views.roster, name="roster"),
    path("rosters/submissions/", views.roster_submissions, name="roster_submissions"),
    path("rosters/submissions/<int:pk>/", views.roster_submission, name="roster_submission"),
]
