"""Extracted-text scores as an ``evaluate`` metric (a wrapper over ``bantin.metrics.extraction``)."""

import datasets
import evaluate

from bantin.metrics.extraction import corpus_token_prf

_DESCRIPTION = """Bag-of-syllables precision/recall/F1 of each extracted article against its gold article (as the
content-extraction benchmarks score), averaged over documents, plus micro-averaged F1 over all tokens."""

_KWARGS = """
Args:
    predictions: list of extracted article texts (str).
    references: list of gold article texts (str).
Returns:
    token_precision, token_recall, token_f1 (means per document), token_f1_micro, n_docs.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class ExtractionF1(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="bantin (bantin.metrics.extraction)",
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references):
        return corpus_token_prf(zip(predictions, references))
