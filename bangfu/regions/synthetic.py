"""Synthetic townships and villages under the real counties, for demos, tests and benchmarks.

Real provinces, cities and counties come from `divisions`; below a county the tree is made up,
deterministically from a seed, with names and codes shaped like the real statistical codes:
township digits 001… for 街道, 101… for 镇, 201… for 乡; village digits 001… for 村 and 201…
for 社区. About 38,000 townships and 600,000 villages over the whole country, as in reality.
"""

import csv
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

from bangfu.regions import codes, divisions

HEADER = ["code", "name", "level", "parent_code"]

# Characters that make plausible Chinese place names when paired (first + second).
_FIRST = (
    "东西南北上下大小新高平长石白黄青龙凤马金银桃杨柳松竹梅花河江山岭坪塘溪湾沙田团和兴安宁太永福"
    "寿德仁清红双三五七九古岩茶枫桂莲荷柏樟杉麻牌官洪丰庆合盘云"
)
_SECOND = (
    "口坪坝寨沟河山岭坡塘溪湾桥关堡屯营庄集店铺场头门洞冲垭田林园水阳源泉丰安兴平和华庆云江"
    "星光滩井湖岗埠庙"
)
# Miao, Dong, Zhuang and Yao areas (Guizhou, Guangxi, western Hunan) have names like 岜沙, 占里, 加榜.
_FIRST_SOUTHWEST = "岜加高摆归党宰乌巫孔占登朝丙贯往停谷翠斗秀刚雍洛八必巴"
_SECOND_SOUTHWEST = "沙里榜勇鸠闷岑扒牙翁亚尧洞寨告纳帕便香里旺"
SOUTHWEST_PREFIXES = ("52", "45", "4331", "4312", "5331", "5326")

# 从江县 is the demo county: its towns keep their real names (the codes here are synthetic).
KNOWN_TOWNSHIPS = {
    "522633": [
        "丙妹镇", "贯洞镇", "洛香镇", "下江镇", "宰便镇", "西山镇", "停洞镇", "往洞镇", "庆云镇",
        "斗里镇", "东朗镇", "加鸠镇", "高增乡", "谷坪乡", "雍里乡", "加榜乡", "刚边壮族乡",
        "秀塘壮族乡", "翠里瑶族壮族乡",
    ],
}


def _stems(county6: str) -> tuple[str, str]:
    if county6.startswith(SOUTHWEST_PREFIXES):
        return _FIRST + _FIRST_SOUTHWEST * 3, _SECOND + _SECOND_SOUTHWEST * 3
    return _FIRST, _SECOND


def _unique_name(rng: random.Random, first: str, second: str, suffix: str, taken: set[str]) -> str:
    for _attempt in range(50):
        name = rng.choice(first) + rng.choice(second) + suffix
        if name not in taken:
            taken.add(name)
            return name
    # Small parents never get here; a crowded one falls back to a numbered name.
    name = f"{rng.choice(first)}{rng.choice(second)}{len(taken) + 1}{suffix}"
    taken.add(name)
    return name


def _is_urban(name: str) -> bool:
    return name.endswith("区")


def _township_kinds(rng: random.Random, county_name: str) -> list[str]:
    """The kinds (街道/镇/乡) of a county's township-level units, 14 on average."""
    if _is_urban(county_name):
        streets = rng.randint(5, 15)
        return ["街道"] * streets + ["镇"] * rng.randint(0, 4)
    towns = rng.randint(5, 14)
    return ["街道"] * rng.choice((0, 0, 0, 1, 2)) + ["镇"] * towns + ["乡"] * rng.randint(0, 8)


def county_nodes(county6: str, seed: int = 1, county_name: str = "") -> list[tuple[str, str, int]]:
    """(12-digit code, name, level) of the synthetic townships and villages of one county.

    The same county and seed give the same nodes, here and in the national CSV.
    """
    rng = random.Random(f"bangfu-regions:{seed}:{county6}")
    first, second = _stems(county6)
    known = KNOWN_TOWNSHIPS.get(county6, [])
    kinds = (
        [name[-1] if name[-1] in "镇乡" else "街道" for name in known] if known
        else _township_kinds(rng, county_name)
    )
    next_number = {"街道": 1, "镇": 101, "乡": 201}
    township_names: set[str] = set(known)
    nodes: list[tuple[str, str, int]] = []
    for index, kind in enumerate(kinds):
        number = next_number[kind]
        next_number[kind] += 1
        name = known[index] if known else _unique_name(rng, first, second, kind, township_names)
        township = f"{county6}{number:03d}"
        nodes.append((codes.full_code(township), name, codes.TOWNSHIP))
        nodes.extend(_village_nodes(rng, township, kind, first, second))
    return nodes


def _village_nodes(rng, township9: str, kind: str, first: str, second: str) -> Iterator[tuple[str, str, int]]:
    if kind == "街道":
        communities, villages = rng.randint(4, 14), rng.randint(0, 6)
    else:
        communities, villages = rng.choice((0, 1, 1, 2)), rng.randint(7, 26)
    taken: set[str] = set()
    for number in range(1, villages + 1):
        yield f"{township9}{number:03d}", _unique_name(rng, first, second, "村", taken), codes.VILLAGE
    for number in range(201, 201 + communities):
        yield f"{township9}{number:03d}", _unique_name(rng, first, second, "社区", taken), codes.VILLAGE


def _counties_with_children(table: dict[str, tuple[str, int]]) -> set[str]:
    return {code[:4] for code, (_name, level) in table.items() if level == codes.COUNTY}


def national_rows(seed: int = 1, provinces: Iterable[str] | None = None,
                  limit: int | None = None) -> Iterator[list[str]]:
    """CSV rows (code, name, level, parent code) of the whole country, in code order.

    `provinces` keeps only those two-digit province codes; `limit` stops after that many rows
    (tests use both to stay quick).
    """
    table = divisions.county_level_divisions()
    keep = set(provinces) if provinces else None
    cities_with_counties = _counties_with_children(table)
    written = 0
    for six in sorted(table):
        if keep is not None and six[:2] not in keep:
            continue
        name, level = table[six]
        code = codes.full_code(six)
        parent = "" if level == codes.PROVINCE else codes.full_code(six[: codes.LEVEL_DIGITS[level - 1]])
        rows = [[code, name, str(level), parent]]
        # Counties get townships; so do the few cities that have no counties (东莞, 中山, 儋州…).
        if level == codes.COUNTY or (level == codes.CITY and six[:4] not in cities_with_counties):
            for node_code, node_name, node_level in county_nodes(six, seed, name):
                parent_digits = codes.LEVEL_DIGITS[node_level - 1]
                rows.append([node_code, node_name, str(node_level), codes.full_code(node_code[:parent_digits])])
        for row in rows:
            if limit is not None and written >= limit:
                return
            yield row
            written += 1


def write_national_csv(path: Path, seed: int = 1, provinces: Iterable[str] | None = None,
                       limit: int | None = None) -> int:
    """Write the synthetic national statistical-code table with a header line; returns the rows."""
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in national_rows(seed, provinces, limit):
            writer.writerow(row)
            count += 1
    return count
