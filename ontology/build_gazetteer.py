"""Generate ontology/gazetteer.ttl: every country with its names, demonym, capital, codes and
Wikidata id, from maintained packages (pycountry, rigour's territories as used by
followthemoney, countryinfo). Hand-curated actors (seats of power, international
organizations, blocs) live in ontology/actors.ttl and take precedence.

Run: ``python -m ontology.build_gazetteer`` (rewrites ontology/gazetteer.ttl).
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from core.names import entity_id, name_key

if TYPE_CHECKING:
    from countryinfo.countryinfo import CountryInfoDict
    from rigour.territories.territory import Territory

IG = Namespace("https://influence-graph.org/ontology#")
ENTITY = "https://influence-graph.org/id/entity/"
OUT = Path(__file__).with_name("gazetteer.ttl")
MIN_ALIAS = 4  # shorter alternative spellings are codes ("RS", "SRB") that would match noise


def _countryinfo() -> dict[str, CountryInfoDict]:
    """Return countryinfo records by ISO alpha-2 code."""
    from countryinfo import all_countries

    out: dict[str, CountryInfoDict] = {}
    for country in all_countries():
        info = country.info()
        code = (info.get("ISO") or {}).get("alpha2")
        if code:
            out[code.upper()] = info
    return out


def _territories() -> dict[str, Territory]:
    """Return rigour territories (followthemoney's country list) by upper-case code."""
    from rigour.territories import get_territories

    return {t.code.upper(): t for t in get_territories()
            if t.is_country and not t.is_historical and len(t.code) == 2}


def country_rows() -> list[dict]:
    """Return one record per country: name, aliases, demonyms, metonyms, iso2, iso3, wikidata."""
    import pycountry

    info = _countryinfo()
    terr = _territories()
    codes = {c.alpha_2 for c in pycountry.countries} | set(terr)
    rows: list[dict] = []
    for code in sorted(codes):
        pc = pycountry.countries.get(alpha_2=code)
        t = terr.get(code)
        ci: Mapping[str, Any] = info.get(code, {})
        if t is not None and t.name:
            name = t.name
        elif pc is not None:
            name = getattr(pc, "common_name", None) or pc.name
        else:
            raise ValueError(f"country {code} has no name in rigour or pycountry")
        aliases = {getattr(pc, attr, None) for attr in ("name", "official_name", "common_name")} if pc else set()
        if t is not None:
            aliases |= {t.full_name, t._in_sentence}
        aliases |= {a for a in ci.get("altSpellings", []) if len(a) >= MIN_ALIAS}
        aliases = {a for a in aliases if a and name_key(a) != name_key(name)}
        metonyms = {ci.get("capital")} if ci.get("capital") else set()
        if t is not None:
            metonyms |= {p for p in t.places if "," not in p}
        demonym = ci.get("demonym")
        iso3 = pc.alpha_3 if pc else (t.alpha3 if t is not None else None)
        rows.append({
            "name": name, "aliases": sorted(aliases), "demonyms": [demonym] if demonym else [],
            "metonyms": sorted(m for m in metonyms if m), "iso2": code,
            "iso3": (iso3 or "").upper() or None,
            "wikidata": t.qid if t is not None else None,
            "population": ci.get("population") or 0,
        })
    return _unshared(rows)


def _unshared(rows: list[dict]) -> list[dict]:
    """Return rows where a demonym, metonym or alias shared by several countries stays only
    with the most populous one ("American" is the United States, not its territories)."""
    owner: dict[tuple[str, str], dict] = {}
    for row in rows:
        for field in ("aliases", "demonyms", "metonyms"):
            for text in row[field]:
                key = (field, name_key(text))
                if key not in owner or row["population"] > owner[key]["population"]:
                    owner[key] = row
    for row in rows:
        for field in ("aliases", "demonyms", "metonyms"):
            row[field] = [t for t in row[field] if owner[(field, name_key(t))] is row]
    return rows


def build() -> Graph:
    """Return the gazetteer graph of every country."""
    g = Graph()
    g.bind("ig", IG)
    g.bind("skos", SKOS)
    for row in country_rows():
        node = URIRef(ENTITY + entity_id(row["name"]))
        g.add((node, RDF.type, IG.Country))
        g.add((node, SKOS.prefLabel, Literal(row["name"], lang="en")))
        for alias in row["aliases"]:
            g.add((node, SKOS.altLabel, Literal(alias, lang="en")))
        for demonym in row["demonyms"]:
            g.add((node, IG.demonym, Literal(demonym, lang="en")))
        for metonym in row["metonyms"]:
            g.add((node, IG.metonym, Literal(metonym, lang="en")))
        g.add((node, IG.iso2, Literal(row["iso2"])))
        if row["iso3"]:
            g.add((node, IG.iso3, Literal(row["iso3"])))
        if row["wikidata"]:
            g.add((node, IG.wikidata, Literal(row["wikidata"])))
    return g


def main() -> None:
    """Write ontology/gazetteer.ttl."""
    header = ("# GENERATED by `python -m ontology.build_gazetteer` from pycountry, rigour "
              "(followthemoney territories) and countryinfo. Do not edit: edit actors.ttl.\n")
    OUT.write_text(header + build().serialize(format="turtle"), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
