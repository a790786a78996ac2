"""Concept ranking on its own: embeddings, thesaurus expansion, reasons, the evaluation set."""

from __future__ import annotations

import pytest

from infra.search.embedding import cosine, create_embedding_provider
from infra.search.embedding.port import EmbeddingError
from infra.search.port import SearchDocument
from subgraphs.catalog.search.concept import expand, match, score
from subgraphs.catalog.search.profiles import Profiles
from subgraphs.catalog.search.service import CHARACTER_KINDS
from subgraphs.catalog.search.thesaurus import dnd_thesaurus
from tests.catalog.eval.evaluate import load_cases


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
    dragonborn = profiles.get("species/dragonborn")
    assert dragonborn is not None
    scored = score(dragonborn, found["species/dragonborn"], len(groups), 0.0, 0.0)
    assert '"dragons" ~ "dragonborn" (dragon) in its name' in scored.reasons
    assert len(scored.reasons) == 1  # one reason per word: its best match
    exhale = profiles.get("feat/exhale")
    assert exhale is not None
    phrase = score(exhale, found["feat/exhale"], len(groups), 0.0, 0.0)
    assert phrase.reasons == ('"dragons" ~ "breath weapon" (dragon) in its description',)
    monk = profiles.get("class/monk")
    assert monk is not None
    direct = score(monk, found["class/monk"], len(groups), 0.0, 0.0)
    assert direct.reasons[0] == '"monk" in its name'
    assert direct.score > 0


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
