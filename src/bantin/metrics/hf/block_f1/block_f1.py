"""Block labeling scores as an ``evaluate`` metric (a wrapper over ``bantin.metrics.classification``)."""

import datasets
import evaluate

from bantin.labels import LABELS, to_binary
from bantin.metrics.classification import binary_scores, classification_scores

_DESCRIPTION = """Scores of block labels (one label per block of a page, all pages concatenated): precision/recall/F1 of
the content class once the fine labels are projected onto content/boilerplate (binary_f1, what bantin reports for
boilerplate removal), plus accuracy and macro P/R/F1 over the fine labels present."""

_KWARGS = """
Args:
    predictions: list of predicted block labels (str, bantin's label schema).
    references: list of gold block labels, aligned with predictions.
Returns:
    binary_f1, binary_precision, binary_recall, accuracy, macro_f1, macro_precision, macro_recall, n_blocks.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class BlockF1(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="bantin (bantin.metrics.classification)",
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references):
        cls = classification_scores(references, predictions, labels=list(LABELS))
        bs = binary_scores([to_binary(y) == "content" for y in references], [to_binary(y) == "content" for y in predictions])
        return {
            "binary_f1": bs["f1"], "binary_precision": bs["precision"], "binary_recall": bs["recall"],
            "accuracy": cls["accuracy"], "macro_f1": cls["macro_f1"], "macro_precision": cls["macro_precision"],
            "macro_recall": cls["macro_recall"], "n_blocks": len(references),
        }
