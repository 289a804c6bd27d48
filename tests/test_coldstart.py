"""Cold start: analyzing a page with the embedded CPU defaults imports no torch, transformers, datasets or
scikit-learn, and the light-weight replacements give the same output as the libraries they stand in for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "data" / "samples" / "laodongthudo.txt"
HEAVY = ("torch", "transformers", "datasets", "sklearn")


def test_default_analysis_imports_no_torch_transformers_datasets_or_sklearn():
    code = (
        "import json, sys\n"
        "from bantin.cli import main\n"
        f"sys.argv = ['bantin', 'analyze', {str(PAGE)!r}, '-f', 'json', '-o', {os.devnull!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert json.loads(res.stdout.strip().splitlines()[-1]) == []


def test_sentence_splitter_is_underthesea_own():
    import underthesea

    from bantin.text.tokenize import _sent_tokenize, sentences

    text = PAGE.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert _sent_tokenize() is not underthesea.sent_tokenize  # the module loaded alone, without the package
    assert [s for line in lines for s in _sent_tokenize()(line)] == [s for line in lines for s in underthesea.sent_tokenize(line)]
    assert len(sentences(text)) > len(lines)


def test_topic_hashing_matches_sklearn_hashing_vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    from bantin.topics.linear import LinearTopicModel

    texts = [PAGE.read_text(encoding="utf-8"), "Bóng đá Việt Nam thắng 2-1", "", "x " * 50, "Ω ñ 𝔘 日本 … ☃"]
    for kwargs in ({"word_features": "lexicon"}, {"word_features": None}, {"word_features": None, "ngram_max": 3}):
        model = LinearTopicModel(n_features=2**18, **kwargs)
        ours = model._hashed(texts)
        analyzer = model._analyzer()
        theirs = HashingVectorizer(n_features=2**18, analyzer=analyzer, alternate_sign=False, norm=None, dtype=np.float32).transform(texts)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert (ours != theirs).nnz == 0
    # the previous vectorizer of the n-gram path: sklearn's own analyzer settings
    model = LinearTopicModel(n_features=2**20, word_features=None)
    old = HashingVectorizer(n_features=2**20, ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", lowercase=True, alternate_sign=False,
                            norm=None, dtype=np.float32).transform(texts)
    assert (model._hashed(texts) != old).nnz == 0
