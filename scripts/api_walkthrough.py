#!/usr/bin/env python3
"""Walk one dispute through the whole loop over the REST API of a running Ping'an with the demo data.

    .venv/bin/python scripts/api_walkthrough.py [--base http://127.0.0.1:8000]

Registers a dispute at the 嵩山路街道 counter, sees it routed, has a mediator mediate it to an agreement,
downloads the 调解协议书, has it verified by someone else and closed, records the follow-up rating, and
reads the statistics before and after; then checks that a user of another district gets 404. Uses only
the standard library, so it also serves as a smoke test of a deployment. Exits non-zero on any surprise.

The password policy asks every demo account to change the demo password at its first sign-in, and until
then the API answers 403 `password_change_required`: load the demo for this walkthrough with
`manage.py load_demo --keep-demo-passwords`. The accounts it uses (centre staff, mediators) need a second
factor at sign-in (docs/second-factor.md): serve the demo with `PINGAN_OTP_ENFORCED=0` for the walkthrough.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import urllib.error
import urllib.request

PASSWORD = "Pingan@2022"


class Api:
    def __init__(self, base: str, username: str) -> None:
        self.base = base.rstrip("/")
        credentials = {"username": username, "password": PASSWORD, "client": "api_walkthrough"}
        self.token = self.call("POST", "/api/v1/auth/token/", credentials)["token"]

    def call(self, method: str, path: str, body: dict | None = None, *, expect: int = 200, raw: bool = False):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        if status == 403 and b"password_change_required" in payload:
            sys.exit(
                f"{method} {path}: the demo accounts must change their password first; for this walkthrough load "
                "the demo with `manage.py load_demo --keep-demo-passwords`"
            )
        if status == 400 and path == "/api/v1/auth/token/" and b'"otp"' in payload:
            sys.exit(
                f"{method} {path}: this account needs a second factor; for this walkthrough serve the demo with "
                "PINGAN_OTP_ENFORCED=0 (docs/second-factor.md)"
            )
        if status != expect:
            sys.exit(f"{method} {path}: expected {expect}, got {status}: {payload[:500]!r}")
        return payload if raw else (json.loads(payload) if payload else None)

    def act(self, case_id: int, action: str, **params) -> dict:
        case = self.call("POST", f"/api/v1/cases/{case_id}/transitions/", {"action": action, **params})
        print(f"  {action:<16} → {case['status_label']}")
        return case


def summary(api: Api, region: str) -> dict[str, dict]:
    today = datetime.date.today().isoformat()
    result = api.call("GET", f"/api/v1/stats/summary/?region={region}&date_from={today[:4]}-01-01&date_to={today}")
    return {item["code"]: item for item in result["indicators"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()

    clerk = Api(args.base, "tianyuan_songshan_clerk")
    head = Api(args.base, "tianyuan_songshan_head")
    mediator_name = "tianyuan_songshan_mediator1"
    mediator = Api(args.base, mediator_name)
    hetang = Api(args.base, "hetang_clerk")

    township = clerk.call("GET", "/api/v1/regions/")[0]  # the roots of the clerk's jurisdiction
    community = clerk.call("GET", f"/api/v1/regions/?parent={township['code']}")[0]
    category = clerk.call("GET", "/api/v1/categories/?kind=dispute")[1]
    before = summary(clerk, township["code"])

    case = clerk.call(
        "POST",
        "/api/v1/cases/",
        {
            "kind": "dispute",
            "category": category["code"],
            "title": "楼上漏水致楼下受损纠纷",
            "description": "楼上卫生间漏水导致楼下天花板受损,双方就维修费用协商未果。",
            "channel": "visit",
            "urgency": "normal",
            "region": community["code"],
            "address": f"{community['name']}8栋",
            "parties": [
                {"name": "张建军", "role": "applicant", "id_number": "430211198503150016", "phone": "13800138000"}
                | {"ethnicity": "01", "occupation": "个体工商户", "address": f"{community['name']}8栋201室"},
                {"name": "李秀英", "role": "respondent", "phone": "0731-22880000", "gender": "2"}
                | {"birth_date": "1990-07-01", "ethnicity": "15", "address": f"{community['name']}8栋301室"},
            ],
        },
        expect=201,
    )
    case_id = case["id"]
    print(f"registered {case['number']} → {case['assigned_org']['name']} (deadline {case['deadline']})")

    clerk.act(case_id, "accept")
    clerk.act(case_id, "assign_mediator", mediator=mediator_name)
    mediator.act(
        case_id,
        "record_session",
        held_at=datetime.datetime.now().astimezone().isoformat(),
        place="嵩山路街道调解室",
        attendees="张建军、李秀英、调解员",
        notes="双方陈述事实,达成赔偿意向。",
    )
    applicant, respondent = (party["id"] for party in case["parties"])
    mediator.act(
        case_id,
        "conclude",
        outcome="success",
        disputed_matters="楼上漏水造成的天花板维修费用由谁承担。",
        responsibilities={str(applicant): "无责任。", str(respondent): "对漏水负全部责任。"},
        terms="李秀英于十日内赔偿张建军维修费用人民币3000元。",
        amount="3000",
        performance_method="lump_sum",
        performance_detail="银行转账",
        performance_deadline=(datetime.date.today() + datetime.timedelta(days=10)).isoformat(),
    )
    document = mediator.call("GET", f"/api/v1/cases/{case_id}/agreement.docx", raw=True)
    assert document[:2] == b"PK", "agreement.docx is not a DOCX"
    print(f"  agreement.docx   → {len(document):,} bytes")
    mediator.call("POST", f"/api/v1/cases/{case_id}/transitions/", {"action": "verify", "passed": True}, expect=409)
    print("  verify by the mediator → 409 (four-eyes rule)")
    head.act(case_id, "verify", passed=True)
    head.act(case_id, "close")
    clerk.act(case_id, "rate", satisfaction="satisfied", method="phone")
    events = clerk.call("GET", f"/api/v1/cases/{case_id}/events/")
    print(f"timeline: {len(events)} events: {', '.join(e['type'] for e in events)}")

    after = summary(clerk, township["code"])
    for code in ("received", "closed", "mediation_success_rate", "satisfaction_rate"):
        b, a = before[code], after[code]
        print(f"  {a['name']:<8} {b['numerator']}/{b['denominator']} → {a['numerator']}/{a['denominator']}")
    assert after["closed"]["numerator"] == before["closed"]["numerator"] + 1

    hetang.call("GET", f"/api/v1/cases/{case_id}/", expect=404)
    hetang.call("GET", f"/api/v1/cases/{case_id}/events/", expect=404)
    print("a 荷塘区 user gets 404 on the case and its timeline")
    print("OK")


if __name__ == "__main__":
    main()
