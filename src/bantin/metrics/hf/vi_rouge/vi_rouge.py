"""Vietnamese syllable ROUGE as an ``evaluate`` metric (a wrapper over ``bantin.metrics.rouge``)."""

import datasets
import evaluate

from bantin.metrics.rouge import ROUGE_TYPES, as_lsum_text, rouge_scores

_DESCRIPTION = """ROUGE-1/2/Lsum for Vietnamese: rouge-score's scorer with a Unicode syllable tokenizer (NFC, lower-cased,
punctuation dropped) instead of its ASCII default, which deletes every letter with a diacritic. Scores are means of
per-document precision/recall/F1, keys rouge1_f, rouge2_f, rougeL_f (ROUGE-Lsum) and their _p/_r."""

_KWARGS = """
Args:
    predictions: list of summaries (str).
    references: list of reference summaries (str).
    tokenizer: 'syllable' (default), 'word' (underthesea word segmentation), 'pyvi' or 'ascii' (rouge-score's default).
    split_sentences: put one sentence a line first (what ROUGE-Lsum expects); default True.
Returns:
    dict of rouge1_{p,r,f}, rouge2_{p,r,f}, rougeL_{p,r,f} in 0..1.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class ViRouge(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="bantin (bantin.metrics.rouge); Lin, 2004, ROUGE",
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
            reference_urls=[],
        )

    def _compute(self, predictions, references, tokenizer="syllable", split_sentences=True):
        if split_sentences:
            predictions = [as_lsum_text(p) for p in predictions]
            references = [as_lsum_text(r) for r in references]
        return rouge_scores(predictions, references, tokenizer=tokenizer, rouge_types=ROUGE_TYPES)
