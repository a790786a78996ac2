"""The local MiniLM encoder batches texts by length: each text must still get its own vector, in
the caller's order, equal to what a plain padded-and-masked BERT forward pass gives.

numpy (and, for the real model, ``tokenizers`` and the model files) belong to the optional
``local-embeddings`` extra: without them these tests are skipped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest

from infra.search.embedding import minilm
from infra.search.embedding.minilm import HEADS, LAYERS, MiniLMEmbedder, length_batches
from infra.search.embedding.port import EmbeddingError, cosine

WIDTH, INNER, VOCABULARY, POSITIONS = 24, 48, 50, 64


def test_length_batches_group_similar_lengths_within_the_budget() -> None:
    lengths = [30, 2, 200, 5, 31, 3, 300]
    groups = length_batches(lengths, budget=64)
    assert sorted(i for group in groups for i in group) == list(range(len(lengths)))
    assert [[lengths[i] for i in group] for group in groups] == [
        [2, 3, 5],
        [30, 31],
        [200],
        [300],  # longer than the budget alone: still embedded
    ]
    assert length_batches([]) == []


@dataclass
class Encoding:
    ids: list[int]
    attention_mask: list[int]


class WordTokenizer:
    """[CLS] word ids [SEP], optionally padded to the longest text like ``enable_padding``."""

    def __init__(self, pad: bool) -> None:
        self.pad = pad

    def encode_batch(self, texts: list[str]) -> list[Encoding]:
        encodings = [
            Encoding([1, *(3 + sum(map(ord, w)) % (VOCABULARY - 3) for w in t.split()), 2], [])
            for t in texts
        ]
        longest = max(len(e.ids) for e in encodings)
        for e in encodings:
            e.attention_mask = [1] * len(e.ids)
            if self.pad:
                padding = longest - len(e.ids)
                e.ids += [0] * padding
                e.attention_mask += [0] * padding
        return encodings


def random_weights(np: Any) -> dict[str, Any]:
    rng = np.random.default_rng(5)

    def array(*shape: int, scale: float = 0.3) -> Any:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": array(VOCABULARY, WIDTH),
        "embeddings.position_embeddings.weight": array(POSITIONS, WIDTH),
        "embeddings.token_type_embeddings.weight": array(2, WIDTH),
        "embeddings.LayerNorm.weight": 1 + array(WIDTH, scale=0.1),
        "embeddings.LayerNorm.bias": array(WIDTH, scale=0.1),
    }
    shapes = {
        "attention.self.query": (WIDTH, WIDTH),
        "attention.self.key": (WIDTH, WIDTH),
        "attention.self.value": (WIDTH, WIDTH),
        "attention.output.dense": (WIDTH, WIDTH),
        "intermediate.dense": (INNER, WIDTH),
        "output.dense": (WIDTH, INNER),
    }
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        for name, (rows, columns) in shapes.items():
            weights[f"{p}.{name}.weight"] = array(rows, columns)
            weights[f"{p}.{name}.bias"] = array(rows, scale=0.1)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[f"{p}.{norm}.weight"] = 1 + array(WIDTH, scale=0.1)
            weights[f"{p}.{norm}.bias"] = array(WIDTH, scale=0.1)
    return weights


def reference_encode(np: Any, w: dict[str, Any], tokenizer: WordTokenizer, texts: list[str]) -> Any:
    """The textbook forward pass: one batch padded to the longest text, padding masked out."""
    encodings = WordTokenizer(pad=True).encode_batch(texts)
    ids = np.array([e.ids for e in encodings])
    mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
    batch, length = ids.shape
    head = WIDTH // HEADS

    def norm(x: Any, p: str) -> Any:
        centred = x - x.mean(-1, keepdims=True)
        scaled = centred / np.sqrt((centred**2).mean(-1, keepdims=True) + 1e-12)
        return scaled * w[f"{p}.weight"] + w[f"{p}.bias"]

    def dense(x: Any, p: str) -> Any:
        return x @ w[f"{p}.weight"].T + w[f"{p}.bias"]

    def heads(x: Any) -> Any:
        return x.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)

    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:length]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = norm(x, "embeddings.LayerNorm")
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        q, k, v = (heads(dense(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + (1 - mask)[:, None, None] * -1e9
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, WIDTH)
        x = norm(
            x + dense(context, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm"
        )
        inner = dense(x, f"{p}.intermediate.dense")
        inner = 0.5 * inner * (1 + np.tanh(0.7978845608 * (inner + 0.044715 * inner**3)))
        x = norm(x + dense(inner, f"{p}.output.dense"), f"{p}.output.LayerNorm")
    return (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)


def sample_texts() -> list[str]:
    rng = random.Random(11)
    words = ["fire", "ice", "bolt", "shield", "sword", "heal", "dark", "light", "wall", "storm"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 40))) for _ in range(30)]
    return [*texts, "", "fire", "fire"]  # the empty text and repeats too


@pytest.mark.parametrize("pad", [False, True], ids=["unpadded", "tokenizer-padded"])
@pytest.mark.parametrize("workers", [1, 2])
def test_batched_vectors_match_a_plain_forward_pass_in_input_order(
    pad: bool, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    np = pytest.importorskip("numpy")
    monkeypatch.setattr(minilm, "TOKENS_PER_BATCH", 64)  # many small groups, out of input order
    weights = random_weights(np)
    embedder = MiniLMEmbedder(weights, WordTokenizer(pad), workers=workers)
    texts = sample_texts()

    batched = embedder.encode(texts)
    expected = np.concatenate(
        [reference_encode(np, weights, WordTokenizer(True), [text]) for text in texts]
    )
    np.testing.assert_allclose(batched, expected, rtol=1e-4, atol=1e-5)
    # and against one padded batch of everything: padding changes nothing
    np.testing.assert_allclose(
        batched, reference_encode(np, weights, WordTokenizer(True), texts), rtol=1e-4, atol=1e-5
    )


def test_the_real_model_keeps_each_text_its_own_vector() -> None:
    pytest.importorskip("numpy")
    pytest.importorskip("tokenizers")
    try:
        embedder = MiniLMEmbedder.load()
    except EmbeddingError as exc:
        pytest.skip(f"no MiniLM model files: {exc}")
    texts = [
        "fire",
        "A bright streak flashes to a point you choose, then blossoms with a low roar into an "
        "explosion of flame. Each creature in a 20-foot-radius sphere makes a Dexterity save.",
        "healing word",
        "ice storm",
    ]
    together = embedder.encode_all(texts)
    for text, vector in zip(texts, together, strict=True):
        [alone] = embedder.encode_all([text])
        assert cosine(vector, alone) > 0.9999
    assert cosine(together[0], together[2]) < 0.99  # distinct texts, distinct vectors
    assert embedder.version.endswith("/256")
