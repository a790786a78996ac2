"""Concept ranking on its own: embeddings, thesaurus expansion, reasons, the evaluation set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from infra.search.embedding import cosine, create_embedding_provider
from infra.search.embedding.port import EmbeddingError, Vector
from infra.search.factory import create_search_index
from infra.search.port import SearchDocument
from subgraphs.catalog import kinds
from subgraphs.catalog.search.concept import (
    CLASS_WEIGHT,
    DIRECT,
    NAMED_WEIGHT,
    OTHER_SENSE,
    Reason,
    blend,
    classes_named,
    expand,
    explain,
    match,
    same_family,
    specificity,
)
from subgraphs.catalog.search.profiles import Profiles, Vocabulary, split_compound
from subgraphs.catalog.search.service import CHARACTER_KINDS, CatalogSearch
from subgraphs.catalog.search.thesaurus import dnd_tag_signals, dnd_thesaurus
from tests.catalog.eval.evaluate import load_cases
from tests.catalog.eval.loaded import loaded_catalog
from tests.catalog.srd_files import real_srd_dir

HOLDOUT = Path(__file__).parent / "eval" / "holdout.yaml"


def test_the_default_embedding_needs_nothing() -> None:
    provider = create_embedding_provider(dnd_thesaurus(), {})
    assert provider.name == "expansion"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SEARCH_EMBEDDINGS": "magic"}, "unknown SEARCH_EMBEDDINGS value 'magic'"),
        ({"SEARCH_EMBEDDINGS": "openai"}, "needs OPENAI_API_KEY"),
        ({"SEARCH_EMBEDDINGS": "minilm", "MINILM_DIR": "/nowhere"}, "minilm|MINILM_DIR"),
    ],
)
def test_misconfigured_embeddings_say_what_is_missing(
    environment: dict[str, str], message: str
) -> None:
    with pytest.raises(EmbeddingError, match=message):
        create_embedding_provider(dnd_thesaurus(), environment)


async def test_related_words_embed_close_together() -> None:
    provider = create_embedding_provider(dnd_thesaurus(), {})
    flame, burning, frost = await provider.embed(["flame", "burning", "frost"])
    assert cosine(flame, burning) > 0.3
    assert cosine(flame, frost) == 0.0


async def test_reasons_name_the_word_the_relative_and_the_field() -> None:
    thesaurus = dnd_thesaurus()
    profiles = Profiles(create_embedding_provider(thesaurus, {}))
    await profiles.rebuild(
        [
            SearchDocument("species", "species/dragonborn", "Dragonborn", "Breath Weapon.", ()),
            SearchDocument("class", "class/monk", "Monk", "Martial Arts, unarmed strikes.", ()),
            SearchDocument("feat", "feat/exhale", "Exhale", "Use your Breath Weapon twice.", ()),
        ]
    )
    groups = expand("a monk raised by dragons", thesaurus)
    assert [group.word for group in groups] == ["monk", "raised", "dragons"]
    found = match(groups, profiles.postings)
    weights = {group.word: 1.0 for group in groups}
    dragonborn = profiles.get("species/dragonborn")
    assert dragonborn is not None
    reasons = explain(found["species/dragonborn"], 0.0)
    assert '"dragons" ~ "dragonborn" (dragon) in its name' in reasons
    assert len(reasons) == 1  # one reason per word: its best match
    exhale = profiles.get("feat/exhale")
    assert exhale is not None
    assert explain(found["feat/exhale"], 0.0) == (
        '"dragons" ~ "breath weapon" (dragon) in its description',
    )
    monk = profiles.get("class/monk")
    assert monk is not None
    assert explain(found["class/monk"], 0.0)[0] == '"monk" in its name'
    assert blend(monk, found["class/monk"], weights, 0.0, 0.0) > 0


async def _profiles(*documents: SearchDocument) -> Profiles:
    thesaurus = dnd_thesaurus()
    profiles = Profiles(create_embedding_provider(thesaurus, {}), thesaurus)
    await profiles.rebuild(list(documents))
    return profiles


def _weight(found: dict[str, list[Reason]], slug: str, word: str) -> float:
    return next(reason.weight for reason in found[slug] if reason.word == word)


async def test_a_word_answered_in_several_fields_outweighs_one_field() -> None:
    profiles = await _profiles(
        SearchDocument("spell", "spell/fire-bolt", "Fire Bolt", "A mote of fire.", ("fire",)),
        SearchDocument("spell", "spell/faerie-fire", "Faerie Fire", "Outlined in light.", ()),
    )
    found = match(expand("fire", dnd_thesaurus()), profiles.postings, profiles.evoked)
    assert _weight(found, "spell/fire-bolt", "fire") > _weight(found, "spell/faerie-fire", "fire")


async def test_a_word_in_an_entry_about_none_of_its_concepts_counts_as_another_sense() -> None:
    profiles = await _profiles(
        SearchDocument("spell", "spell/raise-dead", "Raise Dead", "Return a corpse to life.", ()),
        SearchDocument("background", "background/ward", "Ward", "Raised by monks, an orphan.", ()),
    )
    groups = expand("raised", dnd_thesaurus())
    senses = match(groups, profiles.postings, profiles.evoked, profiles.name_stems)
    plain = match(groups, profiles.postings)
    # Raise Dead is about death, not an upbringing; the orphan's background is.
    assert _weight(senses, "spell/raise-dead", "raised") == pytest.approx(
        OTHER_SENSE * _weight(plain, "spell/raise-dead", "raised")
    )
    assert _weight(senses, "background/ward", "raised") == _weight(
        plain, "background/ward", "raised"
    )


async def test_tag_signals_answer_a_fighting_style_with_weapon_properties() -> None:
    profiles = await _profiles(
        SearchDocument("equipment", "equipment/shortsword", "Shortsword", "", ("weapon", "light")),
        SearchDocument("equipment", "equipment/leather", "Leather Armor", "", ("armor", "light")),
        SearchDocument("equipment", "equipment/pike", "Pike", "", ("weapon", "heavy", "reach")),
    )
    groups = expand("dual-wielding", dnd_thesaurus(), dnd_tag_signals())
    found = match(groups, profiles.postings)
    assert '"dual" ~ "weapon, light" (two weapons) in its tags' in [
        reason.text() for reason in found["equipment/shortsword"]
    ]
    # Light armour is not something to dual-wield, and the signal does not run backwards.
    assert "equipment/leather" not in found and "equipment/pike" not in found
    [light] = expand("light", dnd_thesaurus(), dnd_tag_signals())
    assert "two weapons" not in light.concepts


def test_a_thesaurus_phrase_in_the_concept_evokes_its_concept() -> None:
    holy, warrior = expand("a holy warrior", dnd_thesaurus())
    assert "paladin" in holy.concepts and "paladin" in warrior.concepts
    [alone] = expand("warrior", dnd_thesaurus())
    assert "paladin" not in alone.concepts


def test_a_word_most_entries_of_a_kind_use_weighs_less_than_a_rare_one() -> None:
    groups = expand("a wizard evoker pyromancer", dnd_thesaurus())
    reasons = {
        f"spell/{n}": [Reason(g.word, g.word, None, "tags", 0.8) for g in groups] for n in range(9)
    }
    literal = {"wizard": Counter(spell=300), "evoker": Counter(spell=20), "pyromancer": Counter()}
    weights = specificity(groups, reasons, literal, "spell", 340)
    assert weights["wizard"] < weights["evoker"] < weights["pyromancer"]
    assert specificity(groups, {}, literal, "spell", 340) == {}  # nothing answered: no weights


async def test_an_entry_named_outright_and_one_of_a_named_class_rank_higher() -> None:
    profiles = await _profiles(
        SearchDocument("equipment", "equipment/rope", "Rope", "Hempen rope.", ("gear",)),
        SearchDocument("equipment", "equipment/pack", "Rope Pack", "Rope and a sack.", ("gear",)),
        SearchDocument("spell", "spell/a", "Ember", "Fire.", ("level 1", "wizard")),
        SearchDocument("spell", "spell/b", "Cinder", "Fire.", ("level 1", "druid")),
        SearchDocument("class", "class/wizard", "Wizard", "Arcane.", ()),
    )
    groups = expand("a wizard with rope and fire", dnd_thesaurus())
    found = match(groups, profiles.postings)
    weights = {group.word: 1.0 for group in groups}
    asked = frozenset(group.own for group in groups)
    classes = classes_named(groups, profiles.class_stems)
    assert classes == {"wizard"}

    def total(slug: str, classes: frozenset[str] = classes) -> float:
        profile = profiles.get(slug)
        assert profile is not None
        return blend(profile, found[slug], weights, 0.0, 0.0, asked, classes)

    # Same words in name and text; only Rope is named outright.
    assert total("equipment/rope") == pytest.approx(total("equipment/pack") + NAMED_WEIGHT)
    # Only the spell on the wizard's list gains from the concept naming the wizard.
    assert total("spell/a") == pytest.approx(total("spell/a", frozenset()) + CLASS_WEIGHT)
    assert total("spell/b") == total("spell/b", frozenset())


def test_concepts_of_different_themes_do_not_mix() -> None:
    [fire] = expand("fire", dnd_thesaurus())
    assert "flame" in {form for form, _ in fire.related.values()}
    assert "water" not in {form for form, _ in fire.related.values()}


def test_the_evaluation_set_covers_every_character_kind() -> None:
    cases = load_cases()
    assert len(cases) >= 40
    covered = {kind for case in cases for kind in case.expect}
    assert set(CHARACTER_KINDS) <= covered
    assert all(names for case in cases for names in case.expect.values())


def test_the_held_out_set_is_new_and_leans_on_spells_and_equipment() -> None:
    holdout = load_cases(HOLDOUT)
    assert len(holdout) >= 15
    assert sum("spell" in case.expect for case in holdout) >= 8
    assert sum("equipment" in case.expect for case in holdout) >= 5
    assert not {case.concept for case in holdout} & {case.concept for case in load_cases()}


# --- generalising beyond the thesaurus -----------------------------------------------------------


def test_a_compound_splits_into_words_the_catalog_uses() -> None:
    vocabulary = Vocabulary.of(["quarter", "staff", "great", "sword", "word", "friend", "ship"])
    assert split_compound("quarterstaff", vocabulary) == ("quarter", "staff")
    # Of two splits, the longer head: a great sword, not a "greats word".
    assert split_compound("greatsword", vocabulary) == ("great", "sword")
    assert split_compound("friendship", vocabulary) is None  # a derivation, not a compound
    assert split_compound("staff", vocabulary) is None
    assert split_compound("swordsman", vocabulary) is None  # "sman" is no word


async def test_a_word_matches_the_head_of_a_compound_name() -> None:
    profiles = await _profiles(
        SearchDocument("equipment", "equipment/quarterstaff", "Quarterstaff", "Melee weapon.", ()),
        SearchDocument("equipment", "equipment/staff", "Staff", "An arcane focus.", ()),
        SearchDocument("rule", "rule/cover", "Cover", "Three-quarters cover.", ()),
        SearchDocument("equipment", "equipment/spyglass", "Spyglass", "A glass lens.", ()),
        SearchDocument("rule", "rule/spies", "Spies", "A spy watches.", ()),
    )
    quarterstaff = profiles.get("equipment/quarterstaff")
    assert quarterstaff is not None and quarterstaff.name_heads == {"staff"}
    found = match(
        expand("a wooden staff", dnd_thesaurus()),
        profiles.postings,
        profiles.evoked,
        profiles.name_stems,
    )
    [reason] = [r for r in found["equipment/quarterstaff"] if r.word == "staff"]
    # A Quarterstaff is a staff: the head counts, and is never "another sense" of the word.
    assert (reason.field, reason.weight) == ("head", DIRECT["head"])
    assert reason.text() == '"staff" in a compound in its name'
    # The modifier is not what the thing is: a Spyglass answers "glass", never "spy".
    assert "equipment/spyglass" in match(expand("glass", dnd_thesaurus()), profiles.postings)
    assert "equipment/spyglass" not in match(expand("spy", dnd_thesaurus()), profiles.postings)
    # A compound the thesaurus spells out keeps its meaning whole (a Fireball is no ball).
    fireball = await _profiles(SearchDocument("spell", "spell/f", "Fireball", "Fire ball.", ()))
    assert fireball.by_slug["spell/f"].name_heads == frozenset()


async def test_an_unknown_word_is_read_through_its_family_or_its_parts() -> None:
    profiles = await _profiles(
        SearchDocument("equipment", "equipment/rope", "Rope", "Hempen rope.", ()),
        SearchDocument("equipment", "equipment/alch", "Alchemist's Supplies", "Brew.", ()),
        SearchDocument("rule", "rule/craft", "Crafting", "A maker of things.", ()),
    )
    vocabulary = profiles.vocabulary
    ropemaker, alchemical = expand("ropemaker alchemical", dnd_thesaurus(), None, vocabulary)
    assert {"rop", "maker"} <= ropemaker.related.keys()  # stems, as the entries are matched
    assert ropemaker.related["rop"] == ("rope", "part of ropemaker")
    assert "travel" in ropemaker.concepts  # through its part "rope"
    assert alchemical.related["alchemist"] == ("alchemist", "like alchemical")
    found = match([ropemaker, alchemical], profiles.postings)
    assert any(reason.word == "ropemaker" for reason in found["equipment/rope"])
    assert any(reason.word == "alchemical" for reason in found["equipment/alch"])
    # Without the catalog's vocabulary, neither word has relatives of its own.
    plain_rope, plain_alchemical = expand("ropemaker alchemical", dnd_thesaurus())
    assert not plain_rope.related and not plain_alchemical.related
    assert same_family("alchemical", vocabulary) == ["alchemist"]
    assert same_family("alch", vocabulary) == []  # too short to tell a family


async def test_a_class_tag_answers_its_class_not_the_class_themes() -> None:
    profiles = await _profiles(
        SearchDocument("spell", "spell/ward", "Ward", "A shimmering ward.", ("level 1", "druid")),
        SearchDocument("spell", "spell/thorns", "Thorns", "Vines and plants.", ("druid",)),
        SearchDocument("class", "class/druid", "Druid", "Nature magic.", ()),
    )
    groups = expand("a druid of the forest", dnd_thesaurus())
    listed = match(groups, profiles.postings, listed=profiles.class_stems)
    # "forest" evokes nature, which has "druid" among its words: the druid's list is not a forest.
    assert {r.word for r in listed["spell/ward"]} == {"druid"}
    assert {r.word for r in listed["spell/thorns"]} == {"druid", "forest"}
    unlisted = match(groups, profiles.postings)
    assert {r.word for r in unlisted["spell/ward"]} == {"druid", "forest"}


async def test_profiles_nearest_ranks_a_kind_by_similarity_only() -> None:
    profiles = await _profiles(
        SearchDocument("spell", "spell/fire-bolt", "Fire Bolt", "Flame.", ()),
        SearchDocument("spell", "spell/ember", "Ember", "Burning embers and flame.", ()),
        SearchDocument("spell", "spell/frost", "Frost", "Ice.", ()),
        SearchDocument("equipment", "equipment/torch", "Torch", "Fire.", ()),
    )
    [vector] = await profiles.embedder.embed(["flame"])
    assert profiles.nearest(vector, "spell", 5) == {"spell/fire-bolt", "spell/ember"}
    assert profiles.nearest(vector, "spell", 1, skip={"spell/ember"}) == {"spell/fire-bolt"}
    assert profiles.nearest(vector, "class", 5) == set()


class _Meaning:
    """A stand-in for a real embedding model: knows a "chartwright" draws maps (no thesaurus
    does, and the word is no compound of catalog words)."""

    name = "meaning"

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        related = ("chartwright", "cartographer")
        return [{1: 1.0} if any(w in text.lower() for w in related) else {2: 1.0} for text in texts]


class _Fresh:
    async def ensure(self) -> None:
        return None


async def test_a_kind_no_word_answers_still_offers_its_closest_entries() -> None:
    documents = [
        SearchDocument("equipment", "equipment/cartographer", "Cartographer's Tools", "Maps.", ()),
        SearchDocument("equipment", "equipment/rope", "Rope", "Hempen.", ()),
        SearchDocument("spell", "spell/fireball", "Fireball", "Fire.", ()),
    ]
    index = create_search_index(None)
    await index.open()
    await index.upsert(documents)
    thesaurus = dnd_thesaurus()
    profiles = Profiles(_Meaning(), thesaurus)
    await profiles.rebuild(documents)
    search = CatalogSearch(index, profiles, _Fresh(), thesaurus, _Meaning())  # type: ignore[arg-type]
    [equipment] = await search.concept("a chartwright", ["equipment"], 5)
    [option] = equipment.options
    assert option.profile.slug == "equipment/cartographer"
    assert option.reasons == ("close in meaning to the concept (similarity 1.00)",)
    await index.close()


async def test_class_documents_name_the_features_every_member_gains() -> None:
    real_srd_dir()  # skips without the SRD
    async with loaded_catalog({}) as (runtime, _), runtime.sessions() as session:
        texts = {d.slug: d.text async for d in kinds.class_documents(session)}
    assert "Sear Undead" in texts["class/cleric"]  # an undead hunter's class says so
    assert "Rage" in texts["class/barbarian"] and "Sneak Attack" in texts["class/rogue"]
    assert "Frenzy" not in texts["class/barbarian"]  # a Berserker's, not every barbarian's
    assert texts["class/barbarian"].count("Ability Score Improvement") == 1


def test_the_fresh_set_is_new_to_both_other_sets() -> None:
    fresh = load_cases(HOLDOUT.with_name("fresh.yaml"))
    assert len(fresh) >= 20
    assert len({case.concept for case in fresh}) == len(fresh)
    older = {case.concept for case in [*load_cases(), *load_cases(HOLDOUT)]}
    assert not {case.concept for case in fresh} & older
    backgrounds = {name for case in fresh for name in case.expect.get("background", [])}
    assert backgrounds <= {"Acolyte", "Criminal", "Sage", "Soldier"}  # the 2024 SRD's only four
