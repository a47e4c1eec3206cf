"""The catalog reader gives what Python's gettext gives for the shipped catalogs."""

from __future__ import annotations

import gettext

import pytest
from babel.messages.pofile import read_po

from selector import i18n
from support import ROOT

LOCALE = ROOT / "src" / "selector" / "locale"


@pytest.mark.parametrize("mo", sorted(LOCALE.glob("*/LC_MESSAGES/selector.mo")), ids=lambda p: p.parts[-3])
def test_every_message_and_plural_form_reads_as_gettext_reads_it(mo):
    ours = i18n.Catalog.read(mo)
    with open(mo, "rb") as f:
        theirs = gettext.GNUTranslations(f)
    with open(mo.with_suffix(".po"), "rb") as f:
        po = read_po(f)
    plurals = 0
    for m in po:
        if isinstance(m.id, tuple):
            plurals += 1
            for n in (0, 1, 2, 3, 11, 100):
                assert ours.ngettext(*m.id, n) == theirs.ngettext(*m.id, n), (m.id, n)
        else:
            assert ours.gettext(m.id) == theirs.gettext(m.id), m.id
    assert plurals and len(ours.messages) == len(po) + 1  # every message, and the header


def test_without_a_catalog_the_english_texts_and_their_plurals():
    none = i18n.Catalog()
    assert none.gettext("stage {stage}") == "stage {stage}"
    assert [none.ngettext("{n} post", "{n} posts", n) for n in (0, 1, 2)] == ["{n} posts", "{n} post", "{n} posts"]


def test_a_plural_rule_other_than_a_number_goes_through_gettext():
    rule = i18n.Catalog(plural="n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2").plural
    assert [rule(n) for n in (1, 11, 21, 0, 5)] == [0, 1, 0, 2, 1]
    assert i18n.Catalog(plural="0").plural(7) == 0


def test_a_file_that_is_no_catalog_is_refused(tmp_path):
    bad = tmp_path / "x.mo"
    bad.write_bytes(b"not a catalog at all")
    with pytest.raises(OSError):
        i18n.Catalog.read(bad)
