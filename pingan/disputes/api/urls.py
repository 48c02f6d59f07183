from django.urls import path

from pingan.core.api import FirstRendererNegotiation

from .views import AgreementView, MediatorListView

urlpatterns = [
    # A file, named like one (no trailing slash), answering errors in the one JSON shape.
    path(
        "cases/<int:pk>/agreement.docx",
        AgreementView.as_view(content_negotiation_class=FirstRendererNegotiation),
        name="api-case-agreement",
    ),
    path("mediators/", MediatorListView.as_view(), name="api-mediator-list"),
]
