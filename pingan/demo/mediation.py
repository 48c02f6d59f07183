"""The records of a mediation (人民调解): the parties with the basic details a 调解协议书 states of them
(人民调解法 第二十九条(一)), the notes of each session, and the result — an agreement with the disputed
matters, each party's responsibility and the method and term of performance that fit the agreed terms
(第二十九条(二)(三)), or a failure with the route the parties are advised to take.

The cases' own draws come from the year's random stream (`rng`); the agreements' details from a stream of
their own (`extra`), so that adding a detail never moves the cases, dates and figures."""

from __future__ import annotations

import datetime
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from pingan.cases.choices import Ethnicity, Outcome, PartyRole, PartyType, Satisfaction
from pingan.disputes.choices import AdvisedRoute, PerformanceMethod

from . import texts
from .actors import Actor
from .dispute_scene import County, Township
from .people import Identities
from .rows import Row

# 民族 of the demo's people (GB/T 3304 codes): Zhuzhou is overwhelmingly 汉族, with a few 土家族, 苗族, 瑶族
# (炎陵县 and 茶陵县 have 瑶族 villages) and 侗族 residents.
ETHNICITY_WEIGHTS = {Ethnicity.HAN: 975, Ethnicity.TUJIA: 8, Ethnicity.MIAO: 6, Ethnicity.YAO: 6, Ethnicity.DONG: 5}
SATISFACTIONS = Satisfaction.values  # computed once: the enum builds the list on every access
# Disputes where one side is a company (texts.DISPUTE_TEXTS title → the party's index, the kind of company).
COMPANY_SIDES = {"买卖合同货款纠纷": (0, "商贸"), "装修合同纠纷": (1, "装饰工程")}
# A term of performance the agreed terms name: "于十日内", "于两个月内" (texts.DISPUTE_TEXTS).
TERM_DAYS = re.compile(r"于(七|十|十五|三十|两个月)(?:日)?内")
CHINESE_DAYS = {"七": 7, "十": 10, "十五": 15, "三十": 30, "两个月": 60}


def weighted[K](rng: random.Random, weights: Mapping[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Draw:
    """Where a dispute happens and what it is about, as drawn: the county, the township, the community,
    the category and how it ends."""

    county: County
    township: Township
    community: tuple[int, str, str, int]
    category: str
    outcome: str = Outcome.SUCCESS


class Mediation:
    """Draws the records of the disputes of one period (`year`: the parties' ages are counted from it)."""

    def __init__(
        self, *, rng: random.Random, extra: random.Random, people: Identities, year: int, tz: ZoneInfo
    ) -> None:
        self.rng, self.extra, self.people, self.year, self.tz = rng, extra, people, year, tz

    def session_notes(self, number: int, final: bool, outcome: str) -> str:
        rng = self.rng
        if final:
            return rng.choice(
                texts.SESSION_NOTES_SUCCESS if outcome == Outcome.SUCCESS else texts.SESSION_NOTES_FAILURE
            )
        return rng.choice(texts.SESSION_NOTES_FIRST if number == 1 else texts.SESSION_NOTES_MIDDLE)

    def result(
        self,
        draw: Draw,
        mediator: Actor,
        when: datetime.datetime,
        case_text: tuple[str, str, list[Row]],
        amounts: tuple[int, int] | None,
    ) -> Row:
        rng = self.rng
        title, terms, parties = case_text
        amount = None
        if amounts:
            low, high = amounts
            amount = Decimal(round(math.exp(rng.uniform(math.log(low), math.log(high))), -2 if high > 5000 else -1))
        if draw.outcome == Outcome.SUCCESS:
            text = terms.format(amount=f"{amount:,.0f}" if amount is not None else "")
            # Responsibilities by the party's place in the case: `plans_write` keys them by party id.
            responsibilities = {
                str(i): self.extra.choice(texts.RESPONSIBILITIES[party["role"]])
                for i, party in enumerate(parties)
                if party["role"] != PartyRole.REPORTER
            }
            return Row(
                outcome=draw.outcome,
                terms=text,
                amount=amount,
                mediator_id=mediator.id,
                concluded_at=when,
                disputed_matters=f"{title}:{texts.DISPUTED_MATTERS[draw.category]}。",
                responsibilities=responsibilities,
                **self.performance(text, amount, when.astimezone(self.tz).date()),
            )
        route = {"labour": AdvisedRoute.ARBITRATION, "expropriation": AdvisedRoute.ADMINISTRATIVE}.get(
            draw.category, AdvisedRoute.LITIGATION if rng.random() < 0.85 else AdvisedRoute.ADMINISTRATIVE
        )
        return Row(
            outcome=draw.outcome,
            terms="",
            amount=amount,
            advised_route=route,
            mediator_id=mediator.id,
            concluded_at=when,
        )

    def performance(self, terms: str, amount: Decimal | None, signed: datetime.date) -> Row:
        """The method and term of performance (人民调解法 第二十九条(三)) that fit the agreed terms: the term
        the terms name ("于十日内", "两个月内", "分三期"), otherwise a payment at signing, by a date or (a
        larger sum) in monthly instalments; acts rather than payments by a date, or at once for a
        reconciliation. As the conclusion form requires: no date before the signing, instalments that add
        up to the amount."""
        rng = self.extra
        match = TERM_DAYS.search(terms)
        days = CHINESE_DAYS[match.group(1)] if match else None
        instalments = 3 if "分三期" in terms else 0
        if amount is not None and not days and not instalments and amount >= 10000 and rng.random() < 0.25:
            instalments = rng.randint(2, 4)
        if amount is not None and instalments:
            share = (amount / instalments // 100 * 100) or Decimal(1)
            amounts = [share] * (instalments - 1) + [amount - share * (instalments - 1)]
            dues = [signed + datetime.timedelta(days=30 * n) for n in range(1, instalments + 1)]
            return Row(
                performance_method=PerformanceMethod.INSTALMENTS,
                performance_detail=rng.choice(texts.PAYMENT_DETAILS),
                performance_deadline=dues[-1],
                instalments=[{"due": d.isoformat(), "amount": f"{a:.2f}"} for d, a in zip(dues, amounts, strict=True)],
            )
        if amount is None and not days:
            if "谅解" in terms:
                return Row(performance_method=PerformanceMethod.IMMEDIATE)
            return Row(
                performance_method=PerformanceMethod.OTHER,
                performance_detail=rng.choice(texts.ACT_DETAILS),
                performance_deadline=signed + datetime.timedelta(days=rng.randint(7, 30)),
            )
        if days is None and rng.random() < 0.3:
            return Row(
                performance_method=PerformanceMethod.IMMEDIATE, performance_detail=rng.choice(texts.PAYMENT_DETAILS)
            )
        return Row(
            performance_method=PerformanceMethod.LUMP_SUM,
            performance_detail=rng.choice(texts.PAYMENT_DETAILS)
            if amount is not None
            else rng.choice(texts.ACT_DETAILS),
            performance_deadline=signed + datetime.timedelta(days=days or rng.randint(3, 30)),
        )

    def satisfaction(self, outcome: str) -> str:
        weights = [80, 17, 3] if outcome == Outcome.SUCCESS else [35, 40, 25]
        return self.rng.choices(SATISFACTIONS, weights=weights)[0]

    def parties(self, draw: Draw, title: str) -> list[Row]:
        rng, county = self.rng, draw.county
        address = f"{county.name}{draw.township.name}{draw.community[2]}"
        applicant = self.people.person(county.code, self.year)
        parties = [Row(role=PartyRole.APPLICANT, address=f"{address}{rng.randint(1, 188)}号", **applicant)]
        corporate = {"labour": 0.6, "property_mgmt": 0.8, "consumer": 0.8, "medical": 0.9}.get(draw.category, 0)
        if rng.random() < corporate:
            name = self.people.company(draw.category, county.name, draw.township.name)
            parties.append(Row(role=PartyRole.RESPONDENT, name=name, phone=self.people.mobile(), address=address))
        else:
            respondent = self.people.person(county.code, self.year)
            parties.append(Row(role=PartyRole.RESPONDENT, address=f"{address}{rng.randint(1, 188)}号", **respondent))
        if rng.random() < 0.05:
            parties.append(
                Row(role=PartyRole.THIRD_PARTY, address=address, **self.people.person(county.code, self.year))
            )
        self.party_details(draw, title, parties)
        return parties

    def party_details(self, draw: Draw, title: str, parties: list[Row]) -> None:
        """The basic details the 调解协议书 states (人民调解法 第二十九条(一)), drawn from their own random
        stream so that the cases themselves stay as they were: a person's 民族, 职业 and 工作单位 (gender and
        birth date are read from the ID number by `cases.parties.clean_parties` when the load checks the
        parties), an organisation's type and 法定代表人. Half the unpaid-goods disputes are brought by the
        supplier, a company, and half the renovation disputes are against a decoration company."""
        rng, village = self.extra, draw.community[3] == 1
        if title in COMPANY_SIDES and rng.random() < 0.5:
            index, kind = COMPANY_SIDES[title]
            parties[index].update(
                name=f"株洲{rng.choice(self.people.company_prefixes)}{kind}有限公司",
                id_number="",
                address=f"{draw.county.name}{draw.township.name}{draw.community[2]}",
            )
        company = next((p["name"] for p in parties if not p.get("id_number")), "")
        for party in parties:
            if not party.get("id_number"):  # a company, a hospital: 住所 and 法定代表人, no personal details
                names = self.people.male if rng.random() < 0.7 else self.people.female
                party.update(party_type=PartyType.ORGANIZATION, legal_representative=rng.choice(names))
                continue
            party["ethnicity"] = weighted(rng, ETHNICITY_WEIGHTS)
            age = self.year - int(party["id_number"][6:10])
            if age >= 60:
                occupation = rng.choice(texts.OCCUPATIONS_RETIRED)
            elif draw.category == "labour" and party["role"] == PartyRole.APPLICANT:
                occupation = rng.choice(["进城务工人员", "公司职员"])
            else:
                occupation = rng.choice(texts.OCCUPATIONS_VILLAGE if village else texts.OCCUPATIONS_TOWN)
            party["occupation"] = occupation
            if occupation in texts.EMPLOYED:
                party["employer"] = (
                    company
                    if company and draw.category == "labour"
                    else self.employer(occupation, draw.county.name, draw.township.name)
                )

    def employer(self, occupation: str, county_name: str, township_name: str) -> str:
        rng = self.extra
        if occupation == "教师":
            return rng.choice([f"{township_name}中心小学", f"{county_name}第一中学", f"{township_name}中学"])
        if occupation in ("医务人员", "村医"):
            return rng.choice([f"{county_name}人民医院", f"{township_name}卫生院"])
        return f"株洲{rng.choice(self.people.company_prefixes)}有限公司"
