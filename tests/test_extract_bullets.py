"""Designees listed as bullets under a line that designates them, each with the reason its
line gives (issue 18, item 3)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


NOTICE = ("WASHINGTON — Today, the Department of the Treasury's Office of Foreign Assets "
          "Control (OFAC) sanctioned three companies.\n\n"
          "The following entities are being designated pursuant to E.O. 13224:\n\n"
          "- Kestrel Trading LLC, for having materially assisted, sponsored, or provided "
          "financial, material, or technological support for, or goods or services to or in "
          "support of, the Sarn Militia.\n"
          "- Tarn Shipping Co., for being owned, controlled, or directed by, directly or "
          "indirectly, Ivan Petrov.\n"
          "- Orsa Holdings FZE, for having acted or purported to act for or on behalf of, "
          "directly or indirectly, Kestrel Trading LLC.\n\n"
          "The European Union has not sanctioned Kestrel Trading LLC.\n")


def test_each_bullet_is_designated_with_its_reason(nlp: Any) -> None:
    found = facts(nlp, NOTICE)
    treasury = "U.S. Department of the Treasury"
    for name in ("Kestrel Trading LLC", "Tarn Shipping Co.", "Orsa Holdings FZE"):
        assert (treasury, "sanctions", name, "asserted") in found
    assert ("Kestrel Trading LLC", "supports", "Sarn Militia", "asserted") in found
    assert ("Ivan Petrov", "controls", "Tarn Shipping Co.", "asserted") in found
    assert ("Orsa Holdings FZE", "supports", "Kestrel Trading LLC", "asserted") in found
    assert ("European Union", "sanctions", "Kestrel Trading LLC", "negated") in found


def test_bullets_under_a_line_that_designates_no_one_are_not_designated(nlp: Any) -> None:
    text = ("OFAC sanctioned Kestrel Trading LLC today.\n\nThe company works with partners:\n\n"
            "- Tarn Shipping Co., a firm in Dubai.\n- Orsa Holdings FZE, a firm in Cyprus.\n")
    found = facts(nlp, text)
    assert not {r for r in found if r[1] == "sanctions" and r[2] != "Kestrel Trading LLC"}


def test_a_bullet_broken_across_lines_keeps_the_list_going(nlp: Any) -> None:
    text = ("WASHINGTON — Today, OFAC sanctioned two companies.\n\n"
            "The following entities are being designated today:\n"
            "• Kestrel Trading LLC, a company based in Dubai that ships oil for the\n"
            "Sarn Militia\n"
            "• Tarn Shipping Co., a company based in Cyprus.\n")
    found = facts(nlp, text)
    assert ("U.S. Department of the Treasury", "sanctions", "Tarn Shipping Co.",
            "asserted") in found


def test_a_bulleted_item_of_two_sentences_keeps_the_list_going(nlp: Any) -> None:
    text = ("WASHINGTON — The Department of the Treasury acted on Thursday.\n\nPursuant to "
            "Executive Order (E.O.) 14024, OFAC designated:\n\n• Ferrum Sahel General Trading "
            "L.L.C. (Ferrum Sahel), a Dubai-based firm. In 2024 it delivered vehicles to the "
            "army.\n• Anatoly Grebnev (Grebnev), a Russian national who owns or controls "
            "Ferrum Sahel.\n")
    found = facts(nlp, text)
    sanctioned = {r[2] for r in found if r[1] == "sanctions"}
    assert sanctioned == {"Ferrum Sahel General Trading L.L.C.", "Anatoly Grebnev"}
    assert ("Anatoly Grebnev", "controls", "Ferrum Sahel General Trading L.L.C.",
            "asserted") in found
    assert not {r for r in found if any(n.startswith("•") for n in r[:3])}
