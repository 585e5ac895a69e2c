from django.urls import path

from bangfu.audit import views

urlpatterns = [path("audit/", views.audit_log, name="audit_log")]
