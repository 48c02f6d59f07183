"""URLs of 法治护航's register in the staff web UI."""

from django.urls import path

from . import views

urlpatterns = [
    path("lawguard/enterprises/", views.enterprise_list, name="lawguard-enterprise-list"),
    path("lawguard/enterprises/mine/", views.enterprise_mine, name="lawguard-enterprise-mine"),
    path("lawguard/enterprises/export.xlsx", views.enterprise_export, name="lawguard-enterprise-export"),
    path("lawguard/enterprises/new/", views.enterprise_new, name="lawguard-enterprise-new"),
    path("lawguard/enterprises/import/", views.enterprise_import, name="lawguard-enterprise-import"),
    path(
        "lawguard/enterprises/import/template.xlsx",
        views.enterprise_import_template,
        name="lawguard-enterprise-import-template",
    ),
    path("lawguard/enterprises/<int:enterprise_id>/", views.enterprise_detail, name="lawguard-enterprise-detail"),
    path("lawguard/enterprises/<int:enterprise_id>/edit/", views.enterprise_edit, name="lawguard-enterprise-edit"),
    path(
        "lawguard/enterprises/<int:enterprise_id>/deactivate/",
        views.enterprise_deactivate,
        name="lawguard-enterprise-deactivate",
    ),
    path("lawguard/enterprises/<int:enterprise_id>/contacts/new/", views.contact_add, name="lawguard-contact-add"),
    path(
        "lawguard/enterprises/<int:enterprise_id>/contacts/<int:contact_id>/remove/",
        views.contact_remove,
        name="lawguard-contact-remove",
    ),
    path(
        "lawguard/enterprises/<int:enterprise_id>/contacts/unmask/",
        views.contacts_unmask,
        name="lawguard-contacts-unmask",
    ),
    path("lawguard/enterprises/<int:enterprise_id>/guards/new/", views.guard_assign, name="lawguard-guard-assign"),
    path(
        "lawguard/enterprises/<int:enterprise_id>/guards/<int:assignment_id>/end/",
        views.guard_end,
        name="lawguard-guard-end",
    ),
    path("lawguard/enterprises/<int:enterprise_id>/accounts/new/", views.account_new, name="lawguard-account-new"),
    path(
        "lawguard/accounts/<int:account_id>/deactivate/", views.account_deactivate, name="lawguard-account-deactivate"
    ),
    path("lawguard/workstations/", views.workstation_list, name="lawguard-workstation-list"),
    path("lawguard/workstations/new/", views.workstation_new, name="lawguard-workstation-new"),
    path("lawguard/workstations/<int:workstation_id>/", views.workstation_detail, name="lawguard-workstation-detail"),
    path("lawguard/workstations/<int:workstation_id>/edit/", views.workstation_edit, name="lawguard-workstation-edit"),
    path("lawguard/experts/", views.expert_list, name="lawguard-expert-list"),
    path("lawguard/experts/new/", views.expert_new, name="lawguard-expert-new"),
    path("lawguard/experts/<int:expert_id>/edit/", views.expert_edit, name="lawguard-expert-edit"),
]
