from django import template

from pingan.lawguard.portal import PortalLink, portal_links

register = template.Library()


@register.simple_tag
def portal_menu() -> list[PortalLink]:
    """The enterprise portal's menu (lawguard.portal.register_portal_link)."""
    return portal_links()
