#!/usr/bin/env python3
"""An existing Open311 client (`georeport`, from PyPI) against a running Ping'an with the demo data.

    .venv/bin/python manage.py open311_issue_key --organization ZZZX-430200 --name "12345随手拍(演示)"
    .venv/bin/python scripts/open311_walkthrough.py --key <the key printed above> [--base http://127.0.0.1:8000]

Reads the discovery document and the service list (incident and dispute categories, grouped), reads one
service definition, files one request (georeport has no POST, so plain HTTP as any app would), then reads
it back with georeport — the list with its filters, and the single request — and prints what it got. It
also files one with a written address only, placed by the township picked from the definition's
`region` list, and shows that a request without a key is refused as the spec says. Exits non-zero on
any surprise.
"""

from __future__ import annotations

import argparse
import sys

import requests
from georeport import GeoReport

JURISDICTION = "zhuzhou.gov.cn"
# A point in 天元区 嵩山路街道 (WGS-84), inside the demo's generated grid cells.
POINT = {"lat": "27.840000", "long": "113.075000"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="an API key from manage.py open311_issue_key")
    args = parser.parse_args()
    endpoint = args.base.rstrip("/") + "/open311/v2"
    client = GeoReport(endpoint, jurisdiction=JURISDICTION)

    discovery = requests.get(f"{endpoint}/discovery.json", timeout=30).json()
    print("discovery:", discovery["contact"], [e["specification"] for e in discovery["endpoints"]][:1])
    services = client.get_service_list()
    groups = sorted({s["group"] for s in services})
    print(f"services: {len(services)} in groups {groups}")
    definition = client.get_service_definition("neighbour")
    print("service definition neighbour: attributes", [a["code"] for a in definition["attributes"]])

    refused = requests.post(f"{endpoint}/requests.json", data={"service_code": "inc_sanitation"}, timeout=30)
    print("POST without a key:", refused.status_code, refused.json())
    if refused.status_code not in (400, 403):
        return 1

    filed = requests.post(
        f"{endpoint}/requests.json",
        data={
            "api_key": args.key,
            "jurisdiction_id": JURISDICTION,
            "service_code": "inc_sanitation",
            "description": "路口垃圾桶满溢,已两天无人清运。",
            "first_name": "明",
            "last_name": "张",
            "phone": "13800138000",
            **POINT,
        },
        timeout=30,
    )
    print("POST requests:", filed.status_code, filed.json())
    if filed.status_code != 200:
        return 1
    number = filed.json()[0]["service_request_id"]

    found = client.get_service_requests(service_code="inc_sanitation", status="open")
    found = found if isinstance(found, list) else [found]
    mine = [r for r in found if r["service_request_id"] == number]
    print(f"GET requests?service_code=inc_sanitation&status=open: {len(found)} requests, ours among them: {bool(mine)}")
    single = client.get_service_request(number)
    single = single[0] if isinstance(single, list) else single
    for field in ("service_request_id", "status", "agency_responsible", "requested_datetime", "expected_datetime"):
        print(f"  {field}: {single[field]}")
    if not mine or "13800138000" in str(single):
        return 1

    # A written address only: the app lets the citizen pick the township from the definition's list.
    regions = next(a for a in client.get_service_definition("inc_sanitation")["attributes"] if a["code"] == "region")
    township = next(v for v in regions["values"] if len(v["key"]) == 9)
    by_address = requests.post(
        f"{endpoint}/requests.json",
        data={
            "api_key": args.key,
            "service_code": "inc_sanitation",
            "description": "小区门口垃圾堆积。",
            "address_string": "建设路口",
            "attribute[region]": township["key"],
        },
        timeout=30,
    )
    print(f"POST requests with address_string and attribute[region]={township['key']} ({township['name']}):")
    print("  ", by_address.status_code, by_address.json())
    if by_address.status_code != 200:
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
