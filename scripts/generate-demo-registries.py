#!/usr/bin/env python3
"""Generate the demo enterprise and inspector registries for 开平市应急管理局.

GENERATED DEMO DATA (虚构演示数据): every company, person, phone number and
credit code written by this script is fictional. They are NOT real companies
or people; any resemblance is coincidental. The unified social credit codes
only carry valid GB 32100-2015 check characters so that validation code can
be exercised.

Output (UTF-8, no BOM, LF line endings, header on the first line):
    content/registries/enterprises.csv
    content/registries/inspectors.csv

Usage:
    python3 scripts/generate-demo-registries.py

The script is deterministic (fixed random seed, stdlib only): running it
again produces byte-identical files.
"""

import csv
import os
import random

SEED = 440783
N_ENTERPRISES = 420
N_INSPECTORS = 36

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "content", "registries")

# --- GB 32100-2015 unified social credit code -------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters."""
    assert len(first17) == 17
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    value = 31 - total % 31
    if value == 31:
        value = 0
    return USCC_CHARSET[value]


def uscc_is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def self_test() -> None:
    assert uscc_is_valid("91350100M000100Y43"), "known-good USCC must validate"
    assert not uscc_is_valid("91350100M000100Y44")


# --- vocabularies -----------------------------------------------------------

# Towns / sub-districts of 开平市 with sampling weights.
TOWNS = [
    ("长沙街道", 16), ("三埠街道", 14), ("水口镇", 14), ("月山镇", 11),
    ("沙塘镇", 5), ("苍城镇", 5), ("龙胜镇", 4), ("大沙镇", 3),
    ("马冈镇", 4), ("塘口镇", 4), ("赤坎镇", 5), ("百合镇", 4),
    ("蚬冈镇", 3), ("金鸡镇", 3), ("赤水镇", 4),
]
TOWN_NAMES = [t for t, _ in TOWNS]

# Industry -> exact row count (sums to N_ENTERPRISES).
INDUSTRY_COUNTS = {
    "危险化学品": 25,
    "烟花爆竹": 6,
    "非煤矿山": 8,
    "冶金": 10,
    "有色金属": 60,
    "建材": 60,
    "机械": 95,
    "轻工": 70,
    "纺织": 62,
    "商贸仓储": 24,
}
assert sum(INDUSTRY_COUNTS.values()) == N_ENTERPRISES

HIGH_HAZARD = {"危险化学品", "烟花爆竹", "非煤矿山", "冶金"}
ACCIDENT_PRONE_CANDIDATES = {"机械", "轻工", "纺织", "建材", "有色金属"}

# Industry -> (company name suffixes, individual-business suffixes).
NAME_SUFFIXES = {
    "危险化学品": (
        ["化工有限公司", "化工贸易有限公司", "涂料有限公司", "气体有限公司",
         "精细化工有限公司", "油漆化工有限公司", "燃气有限公司"],
        ["化工原料经营部", "油漆商行"],
    ),
    "烟花爆竹": (
        ["烟花爆竹贸易有限公司", "烟花爆竹仓储有限公司"],
        ["烟花爆竹零售店", "烟花炮竹销售点"],
    ),
    "非煤矿山": (
        ["石场有限公司", "矿业有限公司", "采石有限公司", "建筑石料有限公司"],
        ["河砂采运场"],
    ),
    "冶金": (
        ["钢铁制品有限公司", "铸造有限公司", "金属材料有限公司", "型钢有限公司"],
        ["铸件加工厂"],
    ),
    "有色金属": (
        ["铜业有限公司", "水暖卫浴有限公司", "铜制品有限公司", "阀门有限公司",
         "铝业有限公司", "五金铸造有限公司", "龙头卫浴有限公司"],
        ["铜件加工店", "水暖配件加工店", "五金抛光店"],
    ),
    "建材": (
        ["建材有限公司", "陶瓷有限公司", "混凝土有限公司", "水泥制品有限公司",
         "新型墙材有限公司", "石材有限公司", "玻璃制品有限公司"],
        ["建材经营部", "砖厂", "石材加工店"],
    ),
    "机械": (
        ["五金制品厂", "机械制造有限公司", "卫浴科技有限公司", "五金制品有限公司",
         "机电设备有限公司", "模具有限公司", "不锈钢制品有限公司", "汽车配件有限公司"],
        ["五金加工店", "机械维修店", "不锈钢加工店"],
    ),
    "轻工": (
        ["塑料制品有限公司", "包装材料有限公司", "纸品有限公司", "食品有限公司",
         "家具有限公司", "电子科技有限公司", "皮具有限公司", "冷冻食品有限公司",
         "木业有限公司"],
        ["塑料加工店", "纸箱加工店", "食品加工店", "家具加工店"],
    ),
    "纺织": (
        ["纺织有限公司", "制衣有限公司", "服装有限公司", "印染有限公司",
         "牛仔服装有限公司", "针织有限公司", "洗水有限公司"],
        ["制衣加工店", "服装加工店", "车缝加工店"],
    ),
    "商贸仓储": (
        ["物流有限公司", "仓储有限公司", "商贸有限公司", "冷链物流有限公司",
         "贸易有限公司"],
        ["仓储服务部", "日用品商行"],
    ),
}

# Two-character trade-name (字号) syllables; combined randomly.
TRADE_A = list("华盛鸿裕恒信永金泰隆宏达兴富佳丰源荣利德广创联晟协骏港侨锦顺汇雅")
TRADE_B = list("发昌利安和祥顺成达通新美辉宝业星华鑫诚邦明亿铭益志正康瑞峰嘉")

SURNAMES = (
    "关关关司徒司徒谢谢谢张张梁梁梁黄黄陈陈李李吴吴方劳许周胡邓余刘"
    "冯林何甄谭朱钟杨邝区麦曾"
)
# Split surnames (司徒 is a compound surname common in 开平).
SURNAME_LIST = []
_i = 0
while _i < len(SURNAMES):
    if SURNAMES.startswith("司徒", _i):
        SURNAME_LIST.append("司徒")
        _i += 2
    else:
        SURNAME_LIST.append(SURNAMES[_i])
        _i += 1
GIVEN_CHARS = list("伟强志明华建国荣俊杰文斌丽红燕玲芳敏静秀英颖婷嘉欣健锦耀汉新永惠宇浩辉雄坤")

ROAD_NAMES = [
    "东兴", "西郊", "中山", "人民", "新华", "迎宾", "港口", "幕沙", "祥龙", "工业",
    "长兴", "金山", "侨园", "翠山", "和平", "环城", "振华", "开发", "兴业", "立新",
]
ROAD_KINDS = ["路", "大道", "街", "路"]

RISK_LEVELS = ["重大风险", "较大风险", "一般风险", "低风险"]
# Industry-specific risk weights (重大, 较大, 一般, 低).
RISK_WEIGHTS = {
    "危险化学品": [35, 45, 20, 0],
    "烟花爆竹": [30, 50, 20, 0],
    "非煤矿山": [40, 45, 15, 0],
    "冶金": [20, 40, 40, 0],
    "有色金属": [2, 14, 46, 38],
    "建材": [2, 12, 44, 42],
    "机械": [1, 10, 42, 47],
    "轻工": [1, 10, 40, 49],
    "纺织": [1, 10, 40, 49],
    "商贸仓储": [1, 12, 37, 50],
}

INSPECTOR_FIELDS = ["危险化学品", "工贸", "非煤矿山", "烟花爆竹", "综合"]
UNIT_TEAM = "开平市应急管理局安全生产执法大队"
UNIT_HAZCHEM = "开平市应急管理局危险化学品安全监督管理股"


# --- generators -------------------------------------------------------------

def person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAME_LIST)
    n = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(n))


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(["13", "15", "18"]) + str(rng.randrange(10))
    return prefix + "".join(str(rng.randrange(10)) for _ in range(8))


def uscc(rng: random.Random, type_code: str) -> str:
    body_chars = []
    for _ in range(9):
        if rng.random() < 0.85:
            body_chars.append(rng.choice("0123456789"))
        else:
            body_chars.append(rng.choice(USCC_CHARSET[10:]))
    first17 = "9" + type_code + "440783" + "".join(body_chars)
    return first17 + uscc_check_char(first17)


def address(rng: random.Random, town: str) -> str:
    road = rng.choice(ROAD_NAMES) + rng.choice(ROAD_KINDS)
    return f"{town}{road}{rng.randint(1, 388)}号"


def trade_name(rng: random.Random) -> str:
    return rng.choice(TRADE_A) + rng.choice(TRADE_B)


def weighted_town(rng: random.Random) -> str:
    return rng.choices(TOWN_NAMES, weights=[w for _, w in TOWNS])[0]


def generate_enterprises(rng: random.Random):
    industries = []
    for ind, count in INDUSTRY_COUNTS.items():
        industries.extend([ind] * count)
    rng.shuffle(industries)

    codes, names, rows = set(), set(), []
    for ind in industries:
        individual = rng.random() < 0.10
        type_code = "2" if individual else "1"
        code = uscc(rng, type_code)
        while code in codes:
            code = uscc(rng, type_code)
        codes.add(code)

        town = weighted_town(rng)
        corp_suffixes, indiv_suffixes = NAME_SUFFIXES[ind]
        while True:
            if individual:
                # Individual businesses carry the town, e.g. 开平市水口镇华盛五金加工店.
                name = f"开平市{town}{trade_name(rng)}{rng.choice(indiv_suffixes)}"
            else:
                name = f"开平市{trade_name(rng)}{rng.choice(corp_suffixes)}"
            if name not in names:
                names.add(name)
                break

        risk = rng.choices(RISK_LEVELS, weights=RISK_WEIGHTS[ind])[0]
        high_hazard = "是" if ind in HIGH_HAZARD else "否"
        accident_prone = "是" if ind in ACCIDENT_PRONE_CANDIDATES and rng.random() < 0.20 else "否"
        if risk == "重大风险":
            p_direct = 0.9
        elif high_hazard == "是" or risk == "较大风险":
            p_direct = 0.25
        else:
            p_direct = 0.02
        direct = "是" if rng.random() < p_direct else "否"

        rows.append([
            code, name, town, address(rng, town), ind, risk, high_hazard,
            accident_prone, direct, person_name(rng), mobile(rng),
        ])
    return rows


def generate_inspectors(rng: random.Random, enterprises):
    # Unit plan: 18 执法大队, 4 危化股, 14 镇街应急办.
    units = [UNIT_TEAM] * 18 + [UNIT_HAZCHEM] * 4 + ["TOWN"] * 14
    rng.shuffle(units)
    # Each town office gets at most one inspector, taken from a shuffled town list.
    town_pool = TOWN_NAMES[:]
    rng.shuffle(town_pool)

    rows = []
    used_names = set()
    for idx, unit in enumerate(units, start=1):
        cert = f"44078320{idx:03d}"
        name = person_name(rng)
        while name in used_names:
            name = person_name(rng)
        used_names.add(name)
        if unit == "TOWN":
            town = town_pool.pop()
            unit = f"{town}应急管理办公室"
            field = rng.choice(["综合", "综合", "工贸"])
        elif unit == UNIT_HAZCHEM:
            town = weighted_town(rng)
            field = "危险化学品"
        else:
            town = weighted_town(rng)
            field = rng.choices(INSPECTOR_FIELDS, weights=[4, 9, 1, 1, 3])[0]
        rows.append([cert, name, unit, field, town, "是", ""])

    # Two inspectors not on duty.
    for i in rng.sample(range(len(rows)), 2):
        rows[i][5] = "否"
    # Five inspectors with 1-2 declared conflicts of interest.
    for i in rng.sample(range(len(rows)), 5):
        picks = rng.sample(enterprises, rng.randint(1, 2))
        rows[i][6] = ";".join(p[0] for p in picks)
    return rows


def write_csv(path: str, header, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    self_test()
    rng = random.Random(SEED)
    enterprises = generate_enterprises(rng)
    inspectors = generate_inspectors(rng, enterprises)

    for row in enterprises:
        assert uscc_is_valid(row[0]), row[0]
        assert all("," not in v for v in row), row
    assert len({r[0] for r in enterprises}) == len(enterprises)
    assert len({r[1] for r in enterprises}) == len(enterprises)

    os.makedirs(OUT_DIR, exist_ok=True)
    write_csv(
        os.path.join(OUT_DIR, "enterprises.csv"),
        ["统一社会信用代码", "名称", "镇街", "地址", "行业", "风险等级", "高危行业",
         "事故多发行业", "直接监管", "法定代表人", "联系电话"],
        enterprises,
    )
    write_csv(
        os.path.join(OUT_DIR, "inspectors.csv"),
        ["执法证号", "姓名", "单位", "执法领域", "镇街", "在岗", "回避企业"],
        inspectors,
    )
    print(f"wrote {len(enterprises)} enterprises, {len(inspectors)} inspectors to {OUT_DIR}")


if __name__ == "__main__":
    main()
