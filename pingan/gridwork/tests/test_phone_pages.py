"""The grid people and patrol pages on a phone: card lists under a folded filter form (a 筛选 button), the
table kept for wide screens, and a participant picker whose entries a colleague can tell apart.

What the browser makes of the markup at 390 px is tested in tests/e2e/test_browser_phone_width.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import html

from pingan.gridwork.choices import MemberRole
from pingan.gridwork.models import GridMember


@pytest.fixture
def clerk_client(client, people):
    client.force_login(people.clerk)
    return client


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def with_class(element, name: str) -> list:
    return element.xpath(f'.//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]')


def test_the_member_list_is_cards_on_phones_and_a_table_from_md_up(clerk_client, grids):
    tree = page(clerk_client, reverse("grid-member-list"))
    [cards] = with_class(tree, "list-cards")
    assert "d-md-none" in cards.classes
    names = [with_class(card, "fw-semibold")[0].text for card in with_class(cards, "card")]
    assert sorted(names) == ["李**", "黄**"]
    assert "139****0002" in cards.text_content() and "13907330002" not in cards.text_content()
    [table] = tree.xpath("//table")
    assert {"d-none", "d-md-block"} <= set(table.getparent().classes)


@pytest.mark.parametrize(("name", "form_id"), [("grid-member-list", "member-filter"), ("patrol-list", "patrol-filter")])
def test_the_filter_form_is_folded_behind_a_button_on_phones(clerk_client, grids, name, form_id):
    tree = page(clerk_client, reverse(name))
    [form] = tree.xpath(f'//form[@id="{form_id}"]')
    assert {"collapse", "d-md-block"} <= set(form.classes) and "show" not in form.classes
    [button] = tree.xpath(f'//button[@data-bs-target="#{form_id}"]')
    assert button.text_content().strip() == "筛选" and "d-md-none" in button.classes
    filtered = page(clerk_client, reverse(name) + "?region=430211004")
    [button] = filtered.xpath(f'//button[@data-bs-target="#{form_id}"]')
    assert button.text_content().split() == ["筛选", "已筛选"]


def test_a_bad_filter_unfolds_the_form(clerk_client, grids):
    tree = page(clerk_client, reverse("patrol-list") + "?date_from=2026-13-01")
    [form] = tree.xpath('//form[@id="patrol-filter"]')
    assert "show" in form.classes


def test_the_participant_picker_tells_namesakes_apart(clerk_client, grids):
    GridMember.objects.create(grid=grids.taishan_2, role=MemberRole.VOLUNTEER, name="李志强", phone="13907339999")
    tree = page(clerk_client, reverse("patrol-new"))
    [picker] = tree.xpath('//select[@name="members"]')
    assert picker.get("data-search") == "查找:姓、网格或电话尾号"
    labels = sorted(option.text for option in picker.xpath("option"))
    assert labels == [
        "李**(尾号0002) · 泰山社区第1网格 · 格格平安志愿者",
        "李**(尾号9999) · 泰山社区第2网格 · 格格平安志愿者",
        "黄**(尾号0001) · 泰山社区第1网格 · 专职网格员",
    ]


def test_the_patrol_form_does_not_query_per_person(clerk_client, grids, django_assert_max_num_queries):
    for index in range(20):
        GridMember.objects.create(grid=grids.taishan_2, role=MemberRole.VOLUNTEER, name=f"志愿{index}", phone="")
    with django_assert_max_num_queries(10):
        assert clerk_client.get(reverse("patrol-new")).status_code == 200
