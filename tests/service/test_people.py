"""The one resolver of people named by a clerk (service/people.py): ids, labels, names, and
the shared-name rule against the lists an input is about."""

from __future__ import annotations

from selector.domain.counting import AMBIGUOUS
from selector.readers import roundfile
from selector.service.people import People
from support import good_round


def people(tmp_path) -> People:
    return People(roundfile.load(good_round(tmp_path))[0])


def test_ids_labels_and_unique_names(tmp_path):
    p = people(tmp_path)
    assert (p.find("C04"), p.find("张伟(统计)"), p.find("王 芳"), p.find("赵六")) == ("C04", "C02", "C04", None)


def test_a_shared_name_is_the_only_one_on_the_list(tmp_path):
    p = people(tmp_path)  # 张伟 is C01 (审计, P01) and C02 (统计, P02)
    assert p.find("张伟") is AMBIGUOUS
    assert p.find("张伟", {"C02", "C05"}) == "C02"
    assert p.find("张伟", {"C01", "C02"}) is AMBIGUOUS
    # the narrowest list that holds a namesake decides; a list without any is passed over
    assert p.find("张伟", {"C05"}, {"C01", "C04"}) == "C01"
    assert p.find("张伟", {"C01", "C02"}, {"C01"}) is AMBIGUOUS
    assert p.id_or_text(" 张伟 ", {"C03"}) == "张伟" and p.namesakes("张伟", ["C02", "C03"]) == ("C02",)
