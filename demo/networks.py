"""Demo data of issue 14's networks: the Yokoze–Bandai network's agreement and the fields
each town leads (seed 001: Yokoze leads 官民共創 with よこらぼ, Bandai leads DX with the
first 最高デジタル責任者 of any municipality)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cocreation.organisations.models import NetworkAgreement, NetworkField, Organisation, Region
from demo import organisations as org_demo

AGREEMENT_TITLE = "広域・共創ネットワーク構築に関する協定"
# Seed 001 dates the mayors' meeting that led to it to 令和4年4月 and publishes no day of
# signing: the day below is illustrative.
AGREEMENT_SIGNED_ON = dt.date(2022, 6, 1)
AGREEMENT_TEXT = """福島県磐梯町と埼玉県横瀬町は、それぞれの得意領域を生かした取組みを実践する自治体同士が「ノウハウ・人材をシェア」することにより、施策の企画・立案・実施体制等に課題を有する小規模自治体の課題解決を目指し、広域・共創ネットワーク構築に関する協定を締結する。

連携・協力して取り組む主な事項
(1) テレワークを活用した官⇄官人材交流
  1. 磐梯町は「よこらぼ運営事務局」を担当する横瀬町まち経営課に派遣する。横瀬町は磐梯町デジタル変革戦略室に派遣する。原則、オンラインで会議に出席し、先進的な事例について学ぶ。
  2. 地域おこし協力隊や地域活性化起業人等、外部人材同士の交流を図る。
  3. 現場職員の課題やニーズを踏まえ、1・2に該当しない同じ分野の職員同士のオンライン交流についても検討する。
(2) 自治体・企業の共創を生み出すエコシステムづくり
  1. 企業との共創事業の担当者同士の情報交換会を実施し、両者の実情を把握する。
  2. 広域での社会実装を視野に入れた地域内外のチャレンジを後押しするべく、企業版を含めたふるさと納税基金のプラットフォームづくりについて、共同で研究を進める。
  3. 2の研究を進めるなかで、ばんだい宝ラボ、よこらぼの枠組みを超えた第3の仕組みの検討をしていく。

今後想定する連携・協力して取り組む主な事項
(1) 災害連携体制"""

FIELDS = [
    ("113611", "官民共創", "よこらぼ（5年間で100件以上の共創プロジェクト）"),
    (
        "074071",
        "DX（デジタル・トランスフォーメーション）",
        "全国の自治体で初めて最高デジタル責任者を設置",
    ),
]


def load_networks_demo() -> dict[str, int]:
    """The Yokoze–Bandai network's agreement and fields, once; returns how many
    agreements were made."""
    with transaction.atomic():
        region = Region.objects.filter(slug=org_demo.YOKOZE_BANDAI).first()
        if region is None:
            return {"agreements": 0}
        for code, field, note in FIELDS:
            organisation = Organisation.objects.filter(local_government_code=code).first()
            if organisation is not None:
                NetworkField.objects.get_or_create(
                    region=region, organisation=organisation, field=field, defaults={"note": note}
                )
        _, made = NetworkAgreement.objects.get_or_create(
            region=region,
            title=AGREEMENT_TITLE,
            defaults={"signed_on": AGREEMENT_SIGNED_ON, "text": AGREEMENT_TEXT},
        )
    return {"agreements": int(made)}
