"""Fake but well-formed people: names from seeded Faker zh_CN pools, ID numbers with the GB 11643-1999 check
digit, mobile numbers of the real prefixes, company names. Drawn from a `random.Random` the caller owns, so
the same seed gives the same people."""

from __future__ import annotations

import datetime
import random

from pingan.core.validators import id_check_digit

# The nine counties of Zhuzhou, in the order the draws use (a person's ID number is mostly of their own).
COUNTY_CODES = ("430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281")
# 渌口区 was 株洲县 (430221) until 2018: its adults' ID numbers carry the old code.
ID_AREA = {"430212": "430221"}
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


class Identities:
    """Fake but well-formed people: names from seeded Faker zh_CN pools, GB 11643 ID numbers, mobiles."""

    def __init__(self, seed: int, rng: random.Random | None = None) -> None:
        try:
            from faker import Faker
        except ImportError as exc:  # pragma: no cover - Faker is a dev dependency
            raise RuntimeError("load_demo needs the Faker package (pip install faker)") from exc
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.rng = rng or random.Random(seed)
        self.male = [fake.name_male() for _ in range(1500)]
        self.female = [fake.name_female() for _ in range(1500)]
        self.company_prefixes = [fake.company_prefix() for _ in range(200)]

    def person(self, county: str, year: int) -> dict[str, str]:
        rng = self.rng
        male = rng.random() < 0.52
        birth = datetime.date(year - rng.randint(20, 78), 1, 1) + datetime.timedelta(days=rng.randrange(365))
        area = ID_AREA.get(county, county) if rng.random() < 0.85 else rng.choice(COUNTY_CODES)
        serial = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd for men, even for women
        base = f"{ID_AREA.get(area, area)}{birth:%Y%m%d}{serial:03d}"
        return {
            "name": rng.choice(self.male if male else self.female),
            "id_number": base + id_check_digit(base),
            "phone": self.mobile(),
        }

    def mobile(self) -> str:
        return f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def company(self, category: str, county_name: str, township_name: str) -> str:
        prefix = self.rng.choice(self.company_prefixes)
        return {
            "property_mgmt": f"株洲{prefix}物业管理有限公司",
            "medical": self.rng.choice([f"{county_name}人民医院", f"{township_name}卫生院"]),
            "consumer": f"株洲{prefix}商贸有限公司",
        }.get(category, f"株洲{prefix}有限公司")
