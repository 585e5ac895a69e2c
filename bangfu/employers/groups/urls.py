from django.urls import path

from bangfu.employers.groups import views

urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/history/", views.site_history, name="site_history"),
    path("sites/<int:pk>/people/new/", views.site_member_add, name="site_member_add"),
    path("sites/people/<int:pk>/end/", views.site_member_end, name="site_member_end"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("cooperatives/", views.cooperative_list, name="cooperative_list"),
    path("cooperatives/new/", views.cooperative_create, name="cooperative_create"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative_detail"),
    path("cooperatives/<int:pk>/edit/", views.cooperative_edit, name="cooperative_edit"),
    path("cooperatives/<int:pk>/history/", views.cooperative_history, name="cooperative_history"),
    path("cooperatives/<int:pk>/members/new/", views.coop_member_add, name="coop_member_add"),
    path("cooperatives/members/<int:pk>/end/", views.coop_member_end, name="coop_member_end"),
    path("cooperatives/<int:pk>/leaders/new/", views.leader_appoint, name="leader_appoint"),
    path("cooperatives/leaders/<int:pk>/end/", views.leader_end, name="leader_end"),
    path("cooperatives/<int:pk>/dispatches/new/", views.dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", views.dispatch_detail, name="dispatch_detail"),
    path("dispatches/<int:pk>/edit/", views.dispatch_edit, name="dispatch_edit"),
    path("dispatches/<int:pk>/history/", views.dispatch_history, name="dispatch_history"),
    path("appraisals/", views.appraisal_list, name="appraisal_list"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
]
