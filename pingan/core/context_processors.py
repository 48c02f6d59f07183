from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.PINGAN_SITE_NAME}
