"""Writes the notebooks of this folder (unexecuted); execute and save them with

    python notebooks/build_notebooks.py --execute

Editing the .ipynb files by hand is fine too; this script is only a convenient way to regenerate them."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
import os, tempfile, warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from bantin.data.paths import REPO_ROOT

# BANTIN_NOTEBOOK_SMALL=1 (set by tests/test_notebooks.py) makes every step smaller and faster.
SMALL = os.environ.get("BANTIN_NOTEBOOK_SMALL", "0") == "1"
REPO = REPO_ROOT or Path.cwd().parent
WORK = Path(tempfile.mkdtemp(prefix="bantin_nb_"))  # everything this notebook writes goes here
# Run records go to WORK/experiments, never into the repository's experiments/results.jsonl.
os.environ["BANTIN_EXPERIMENTS_DIR"] = str(WORK / "experiments")
pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)
warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm without ipywidgets
plt.rcParams["figure.dpi"] = 80


def short(text, n=90):
    """Long texts are cut so that outputs stay readable."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


print("small settings" if SMALL else "full notebook settings", "| work dir:", WORK)
'''

# --------------------------------------------------------------------------------------------------
NB01 = [
    new_markdown_cell("""\
# 01 · The data

What bantin learns from and is scored on:

1. **Seed pages** – real scraped Vietnamese news pages (`data/seeds/pages/*.txt`), hand-labeled block by block
   (`data/seeds/annotations.jsonl`). Each non-empty line of a flattened page is one *block*; its label is one of the
   content labels (title, lead, body, caption, byline) or boilerplate labels (related, section_heading, nav, noise).
2. **The built page dataset** (`bantin data build`) – real article text from the public corpora laid out in the
   templates of 8 news sites with realistic boilerplate; splits are disjoint by article *and* by site template.
3. **The public corpora** in `../shared/data` (VNTC-10, vietnews, baomoi) – sizes and class balance.

This notebook needs `../shared/data` (or `BANTIN_DATA_DIR`) for parts 2 and 3."""),
    new_code_cell(SETUP),
    new_markdown_cell("## 1. Seed pages and their block labels"),
    new_code_cell('''\
from bantin.data.seeds import load_seed_pages, seed_label_counts
from bantin.labels import BOILERPLATE_LABELS, CONTENT_LABELS, LABELS, to_binary

seeds = load_seed_pages()
pd.DataFrame([
    {"id": p.id, "site": p.meta["site"], "template": p.meta["template"], "blocks": len(p.blocks),
     "content blocks": sum(to_binary(b.label) == "content" for b in p.blocks)}
    for p in seeds
])'''),
    new_markdown_cell("""\
One seed page, block by block: the raw crawler line next to its label. Content rows are green, boilerplate rows
grey (texts are truncated)."""),
    new_code_cell('''\
COLORS = {"content": "background-color: #d9f2d9", "boilerplate": "background-color: #eeeeee; color: #777"}


def blocks_table(page, limit=30):
    rows = [{"#": b.index, "label": b.label, "kind": to_binary(b.label), "block text": short(b.raw, 100)} for b in page.blocks[:limit]]
    df = pd.DataFrame(rows)
    return df.style.apply(lambda row: [COLORS[row["kind"]]] * len(row), axis=1).hide(axis="index")


page = seeds[0]
print(f"{page.id}: {len(page.blocks)} blocks, first 30 shown")
blocks_table(page)'''),
    new_code_cell('''\
counts = pd.DataFrame(seed_label_counts(seeds)).T.drop(index="all")[list(LABELS)]
ax = counts.plot.barh(stacked=True, figsize=(9, 3.5), colormap="tab10", title="Seed pages: blocks per label")
ax.set_xlabel("blocks"); ax.legend(bbox_to_anchor=(1, 1), fontsize=8); plt.tight_layout(); plt.show()
counts.sum().to_frame("blocks").T'''),
    new_markdown_cell("""\
## 2. The built page dataset

`bantin data build --config configs/data.yaml` writes `data/built/pages/{train,val,test}.jsonl.gz` and a dataset card
(`card.json`, `card.md`). If it has not been built here, a small one is built into a temporary folder with the
builder's Python API (same code, fewer pages)."""),
    new_code_cell('''\
import json

from bantin.config import load_config
from bantin.data.builder.build import build_dataset
from bantin.data.builder.config import BuilderConfig

card_path = REPO / "data" / "built" / "pages" / "card.json"
if card_path.exists():
    card = json.loads(card_path.read_text(encoding="utf-8"))
    print(f"read {card_path.relative_to(REPO)}")
else:
    n = 60 if SMALL else 300
    config = load_config(BuilderConfig, REPO / "configs" / "data.yaml", [
        f"out_dir={WORK / 'pages'}", f"pages.train={n}", f"pages.val={n // 4}", f"pages.test={n // 2}",
        f"max_articles={3 * n}", f"max_filler={4 * n}"])
    card = build_dataset(config)
    print(f"data/built/pages is absent: built a small dataset into {config.out_dir} in {card['build_seconds']} s")

splits = card["splits"]
pd.DataFrame({s: {k: v for k, v in st.items() if isinstance(v, int)} for s, st in splits.items()}).T'''),
    new_markdown_cell("Splits are disjoint by site template: the val and test templates are never seen in training."),
    new_code_cell('''\
pd.DataFrame({s: st["templates"] for s, st in splits.items()}).fillna(0).astype(int).T'''),
    new_code_cell('''\
labels_text = pd.DataFrame({s: st["labels"] for s, st in splits.items()}).reindex(list(LABELS)).fillna(0).astype(int)
labels_html = pd.DataFrame({s: st["html_labels"] for s, st in splits.items()}).reindex(list(LABELS)).fillna(0).astype(int)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5), sharey=True)
(labels_text / labels_text.sum()).T.plot.barh(stacked=True, ax=axes[0], colormap="tab10", legend=False, title="text blocks: label share")
(labels_html / labels_html.sum()).T.plot.barh(stacked=True, ax=axes[1], colormap="tab10", title="HTML blocks: label share")
axes[1].legend(bbox_to_anchor=(1, 1), fontsize=8); plt.tight_layout(); plt.show()
labels_text'''),
    new_code_cell('''\
per_template = pd.DataFrame(card["labels_per_template"]).reindex(list(LABELS)).fillna(0).astype(int).T
per_template["content share"] = (per_template[list(CONTENT_LABELS)].sum(axis=1) / per_template[list(LABELS)].sum(axis=1)).round(3)
per_template'''),
    new_markdown_cell("""\
## 3. The public corpora

`bantin.data.corpora.corpora_info()` lists the files and their row counts; `iter_corpus(name, every=k)` reads every
k-th line only, a cheap spread-out sample of a big file, which is enough to look at class balance."""),
    new_code_cell('''\
from bantin.data.corpora import CORPORA, corpora_info, iter_corpus

info = pd.DataFrame(corpora_info(count_rows=not SMALL))
info["size (MB)"] = (info["size"] / 1e6).round(1)
info["description"] = [CORPORA[n].description for n in info["name"]]
info[["name", "rows", "size (MB)", "description"]]'''),
    new_code_cell('''\
from collections import Counter

EVERY = 50 if SMALL else 10  # read every EVERY-th line
vntc = Counter((r.split, r.label) for r in iter_corpus("vntc10", every=EVERY))
vntc = pd.Series(vntc).unstack(0).fillna(0).astype(int) * EVERY
baomoi = pd.Series(Counter(r.label for r in iter_corpus("baomoi_topics_2018", every=EVERY))).sort_values() * EVERY
vietnews = pd.Series(Counter(r.split for r in iter_corpus("vietnews", every=EVERY))) * EVERY

fig, axes = plt.subplots(1, 3, figsize=(14, 5), gridspec_kw={"width_ratios": [1.2, 1.2, 0.6]})
vntc.sort_values("train").plot.barh(ax=axes[0], title="VNTC-10 topics (est. docs)")
baomoi.plot.barh(ax=axes[1], title="baomoi_topics_2018 (est. docs)", fontsize=7)
vietnews.plot.bar(ax=axes[2], title="vietnews splits (est.)")
plt.tight_layout(); plt.show()
print(f"estimates from every {EVERY}th line; VNTC-10 largest/smallest class ratio (train): "
      f"{vntc['train'].max() / vntc['train'].min():.1f}; baomoi: {baomoi.max() / baomoi.min():.1f}")'''),
    new_markdown_cell("A corpus record has a uniform shape whatever the file (title / lead / body / label):"),
    new_code_cell('''\
for name in CORPORA:
    r = next((r for r in iter_corpus(name, limit=50) if r.body), None) or next(iter_corpus(name, limit=1))
    print(f"{name:22s} label={r.label!s:22s} title={short(r.title, 60)!r}\\n{'':22s} lead={short(r.lead, 70)!r}\\n{'':22s} body={short(r.body, 70)!r}")'''),
]

# --------------------------------------------------------------------------------------------------
NB02 = [
    new_markdown_cell("""\
# 02 · Train and evaluate a small model for each task

Each task is trained from its YAML config through the same Python API the CLI uses
(`bantin train TASK --config F --set k=v` calls `train_from_config(config_path, overrides, tracking="jsonl")`), with
small `max_*` overrides so that the whole notebook runs in a few minutes on a CPU. Models are written to a
temporary folder, and run records to a temporary `experiments/` folder (`BANTIN_EXPERIMENTS_DIR`), so the
repository is left untouched.

The scores here come from **small** models trained on small subsets; the real figures are in `experiments/RESULTS.md`
(shown at the end). Needs `../shared/data`."""),
    new_code_cell(SETUP),
    new_code_cell('''\
CONFIGS = REPO / "configs"
# Sizes: (SMALL under test, normal)
BP_PAGES, BP_ITERS, BP_EVAL_PAGES = (40, 20, 40) if SMALL else (300, 50, 200)
TOPIC_TRAIN, TOPIC_TEST = (1000, 300) if SMALL else (8000, 2000)
SUM_TRAIN, SUM_VAL, SUM_TEST = (100, 30, 50) if SMALL else (1000, 200, 300)'''),
    new_markdown_cell("""\
## Boilerplate labeling (CRF)

Training needs the built page dataset. `data/built/pages` is used if present; otherwise (and with small settings) a small
one is built into the work folder first (see notebook 01)."""),
    new_code_cell('''\
from bantin.config import load_config
from bantin.data.builder.build import build_dataset
from bantin.data.builder.config import BuilderConfig

pages_dir = REPO / "data" / "built" / "pages"
if SMALL or not (pages_dir / "card.json").exists():  # SMALL: a tiny dataset builds faster than the full one loads
    pages_dir = WORK / "pages"
    n = 60 if SMALL else 300
    build_dataset(load_config(BuilderConfig, CONFIGS / "data.yaml", [
        f"out_dir={pages_dir}", f"pages.train={n}", f"pages.val={n // 4}", f"pages.test={n // 2}",
        f"max_articles={3 * n}", f"max_filler={4 * n}"]))
print("page dataset:", pages_dir)'''),
    new_code_cell('''\
from bantin.boilerplate.training import train_from_config as train_boilerplate

bp_dir = WORK / "models" / "boilerplate"
bp_train = train_boilerplate(CONFIGS / "boilerplate.yaml", [
    f"out_dir={bp_dir}", f"data.dataset_dir={pages_dir}", f"data.max_pages={BP_PAGES}",
    f"crf.max_iterations={BP_ITERS}", "evaluate_on=[seeds]"], tracking="jsonl")'''),
    new_markdown_cell("""\
Evaluate it against the rule baseline and jusText on the hand-labeled seed pages and the built test split (whose
site templates were never seen in training), for both page renderings (flattened text and HTML)."""),
    new_code_cell('''\
from bantin.boilerplate.evaluation import evaluate_from_config as evaluate_boilerplate
from bantin.labels import LABELS

bp_records = evaluate_boilerplate(CONFIGS / "boilerplate-eval.yaml", [
    f"models=[{bp_dir},rules,justext]", "splits=[seeds,test]", "kinds=[text,html]",
    f"dataset_dir={pages_dir}", f"max_pages={BP_EVAL_PAGES}"], tracking="jsonl")
pd.DataFrame([{"model": r["model"], "dataset": r["dataset"], "split": r["split"],
               **{k: round(r["metrics"][k], 4) for k in ("binary_f1", "token_f1", "macro_f1") if k in r["metrics"]}}
              for r in bp_records])'''),
    new_markdown_cell("Per-label F1 of the CRF on the seed pages and on the test split (both renderings):"),
    new_code_cell('''\
crf_runs = [r for r in bp_records if r["model"] not in ("rules", "justext")]
per_label = pd.DataFrame({f"{r['dataset']} {r['split']}": {k[3:]: v for k, v in r["metrics"].items() if k.startswith("f1_")}
                          for r in crf_runs}).reindex(list(LABELS))
per_label.plot.barh(figsize=(7, 4), xlim=(0, 1), title=f"{crf_runs[0]['model']}: per-label F1"); plt.legend(fontsize=8)
plt.tight_layout(); plt.show()'''),
    new_markdown_cell("The confusion matrix of the CRF's block labels on the test split (flattened text):"),
    new_code_cell('''\
from sklearn.metrics import ConfusionMatrixDisplay

from bantin.boilerplate.data import load_split, subsample
from bantin.models.base import load_model

crf = load_model(bp_dir, task="boilerplate")
test_pages = subsample(load_split(pages_dir, "test", "text"), BP_EVAL_PAGES)
gold = [b.label for p in test_pages for b in p.blocks]
pred = [y for row in crf.predict(test_pages) for y in row]
fig, ax = plt.subplots(figsize=(6.5, 5.5))
ConfusionMatrixDisplay.from_predictions(gold, pred, labels=list(LABELS), normalize="true", values_format=".2f", ax=ax,
                                        xticks_rotation=45, colorbar=False)
ax.set_title(f"CRF block labels, test split ({len(test_pages)} pages)\\nrows: gold label, normalized", fontsize=10)
plt.tight_layout(); plt.show()'''),
    new_markdown_cell("""\
## Topic classification (TF-IDF + linear SVM)

On baomoi_topics_2018 (title + sapo, 25 categories; `configs/topics-baomoi.yaml`), on a stratified subsample of the
training split."""),
    new_code_cell('''\
from bantin.topics.training import train_from_config as train_topics

topics_dir = WORK / "models" / "topics"
topics_train = train_topics(CONFIGS / "topics-baomoi.yaml", [
    f"out_dir={topics_dir}", f"data.max_train={TOPIC_TRAIN}", f"eval_max_docs={TOPIC_TEST}", "linear.max_features=20000"],
    tracking="jsonl")'''),
    new_code_cell('''\
from bantin.topics.evaluation import evaluate_from_config as evaluate_topics

[topics_eval] = evaluate_topics(CONFIGS / "topics-eval.yaml", [
    f"model_dir={topics_dir}", "data.corpus=baomoi_topics_2018", f"max_docs={TOPIC_TEST}", f"out_dir={WORK / 'topics_eval'}"],
    tracking="jsonl")
%matplotlib inline
# ^ plot_confusion (which wrote the PNG below) switches matplotlib to the Agg backend; this turns inline plots back on.
import io

from PIL import Image as PILImage

png = PILImage.open(topics_eval["extra"]["confusion_png"]).convert("RGB")
png.thumbnail((800, 800))  # shown smaller (and as JPEG) than written, to keep the notebook light
buf = io.BytesIO(); png.save(buf, format="jpeg", quality=85)
display(Image(data=buf.getvalue(), format="jpeg"))'''),
    new_code_cell('''\
per_label = pd.DataFrame(topics_eval["extra"]["per_label"]).T
ax = per_label["f1"].sort_values().plot.barh(figsize=(6, 6), xlim=(0, 1), fontsize=8, title="topics: per-label F1 (held-out)")
plt.tight_layout(); plt.show()'''),
    new_markdown_cell("""\
## Summarization (supervised extractive)

Sentence features + logistic regression on ROUGE-oracle labels from the vietnews train split, compared with the lead
and TextRank baselines on the first test articles."""),
    new_code_cell('''\
from bantin.summarize.training import train_from_config as train_summarizer

sum_dir = WORK / "models" / "summarize"
sum_train = train_summarizer(CONFIGS / "summarize.yaml", [
    f"out_dir={sum_dir}", f"data.max_train_articles={SUM_TRAIN}", f"data.max_val_articles={SUM_VAL}"], tracking="jsonl")'''),
    new_code_cell('''\
from bantin.summarize.evaluation import evaluate_from_config as evaluate_summarizer

sum_records = evaluate_summarizer(CONFIGS / "summarize-eval.yaml", [
    f"models=[lead-2,textrank@2,{sum_dir}@2]", "datasets=[vietnews]", f"max_articles={SUM_TEST}"], tracking="jsonl")
rouge = pd.DataFrame([{"model": r["model"], **{k: r["metrics"][k] for k in ("rouge1_f", "rouge2_f", "rougeL_f")}} for r in sum_records]).set_index("model")
rouge.plot.barh(figsize=(7, 3), title=f"vietnews {sum_records[0]['split']}: ROUGE F1 (syllables)"); plt.tight_layout(); plt.show()
rouge.round(4)'''),
    new_markdown_cell("""\
## The tracked scores

Every train/evaluate call above appended a record to `$BANTIN_EXPERIMENTS_DIR/results.jsonl`; `bantin report`
(`bantin.tracking.render_report`) turns them into a results table. First the runs of this notebook (summary section):"""),
    new_code_cell('''\
from bantin.tracking import render_report

report = render_report(WORK / "experiments", write=False)
summary = report.split("## Summary", 1)[1].split("\\n## ", 1)[0]
display(Markdown("### Summary" + summary))'''),
    new_markdown_cell("And the repository's own results (`experiments/RESULTS.md`, full-size models on full test splits), summary section:"),
    new_code_cell('''\
results_md = REPO / "experiments" / "RESULTS.md"
if results_md.exists():
    text = results_md.read_text(encoding="utf-8")
    display(Markdown("### Summary" + text.split("## Summary", 1)[1].split("\\n## ", 1)[0]))
else:
    print("experiments/RESULTS.md not found (run `bantin report`)")'''),
]

# --------------------------------------------------------------------------------------------------
NB03 = [
    new_markdown_cell("""\
# 03 · Use the pipeline

`Pipeline.load()` loads the default models embedded in the package (boilerplate labeler, topic classifier,
summarizer): no download, no data folder. One call turns a raw page (crawler text or HTML) into the clean article,
its labeled blocks, topics and a summary."""),
    new_code_cell(SETUP),
    new_code_cell('''\
import time

from bantin import Pipeline

t0 = time.perf_counter()
nlp = Pipeline.load()
print(f"loaded in {time.perf_counter() - t0:.1f} s:", type(nlp.boilerplate).__name__, "|", type(nlp.topics).__name__, "|",
      type(nlp.summarize).__name__)'''),
    new_markdown_cell("## A seed page (flattened crawler text)"),
    new_code_cell('''\
seed_path = sorted((REPO / "data" / "seeds" / "pages").glob("*.txt"))[0]
raw = seed_path.read_text(encoding="utf-8")
print(f"{seed_path.name}: {len(raw.splitlines())} lines, {len(raw)} characters; the first lines:")
print("\\n".join(short(line, 100) for line in raw.splitlines()[:8]))'''),
    new_code_cell('''\
result = nlp(raw, id=seed_path.stem)
print("TITLE  :", result.title)
print("LEAD   :", short(result.lead, 300))
print("BODY   :", len(result.body), "paragraphs;", short(result.body[0] if result.body else "", 200))
print("TOPICS :", ", ".join(f"{t.label} ({t.score:.2f})" for t in result.topics))
print("SUMMARY:", short(result.summary, 400))'''),
    new_markdown_cell("The labeled blocks (content green, boilerplate grey):"),
    new_code_cell('''\
COLORS = {True: "background-color: #d9f2d9", False: "background-color: #eeeeee; color: #777"}


def blocks_table(result, limit=25):
    df = pd.DataFrame([{"#": b.index, "label": b.label, "score": b.score, "content": b.is_content, "text": short(b.text, 90)}
                       for b in result.blocks[:limit]])
    return df.style.apply(lambda row: [COLORS[row["content"]]] * len(row), axis=1).hide(axis="index").format({"score": "{:.2f}"})


print(f"{len(result.blocks)} blocks, {sum(b.is_content for b in result.blocks)} content; first 25:")
blocks_table(result)'''),
    new_markdown_cell("## An HTML page\n\nThe same call reads HTML (`kind='auto'` detects it); the article comes out as Markdown too:"),
    new_code_cell('''\
html_result = nlp((REPO / "data" / "samples" / "article.html").read_bytes(), id="article.html")
print("source kind:", html_result.source_kind, "|", len(html_result.blocks), "blocks")
md = html_result.to_markdown()
display(Markdown(md if len(md) < 1500 else md[:1500] + "…"))'''),
    new_markdown_cell("""\
## Batches: JSONL in, results out, bad records reported

`nlp.pipe(items, errors="report")` streams `(id, page)` pairs and yields a `FailedRecord` (id + reason) in place of
a page it cannot analyze, keeping the input order; `bantin.analyze.analyze_paths` is what `bantin analyze` runs: it
reads files, folders, globs and JSONL records (one page per line, with an `id` and a `text`/`html`/`body` field).
Here is a small JSONL file with one malformed line and one record without text:"""),
    new_code_cell('''\
import json

seed_files = sorted((REPO / "data" / "seeds" / "pages").glob("*.txt"))[:3]
lines = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) for p in seed_files]
lines.insert(1, '{"id": "broken", "text": "this line is not valid JSON')  # malformed
lines.append(json.dumps({"id": "empty", "text": ""}))  # no text
jsonl = WORK / "pages.jsonl"
jsonl.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
print(f"{jsonl.name}: {len(lines)} lines")'''),
    new_code_cell('''\
from bantin.analyze import AnalyzeOptions, analyze_paths
from bantin.pipeline import FailedRecord


def show(results):
    return pd.DataFrame([
        {"id": r.id, "ok": False, "title / error": short(r.error, 100), "topics": ""} if isinstance(r, FailedRecord) else
        {"id": r.id, "ok": True, "title / error": short(r.title, 60), "topics": ", ".join(t.label for t in r.topics[:2])}
        for r in results])


batch = list(analyze_paths([str(jsonl)], AnalyzeOptions(batch_size=8), pipeline=nlp))
failed = [r for r in batch if isinstance(r, FailedRecord)]
print(f"analyze_paths: {len(batch)} records, {len(failed)} failed:", *(f.to_json() for f in failed), sep="\\n  ")
show(batch)'''),
    new_markdown_cell("`nlp.pipe` directly, on `(id, text)` pairs, with a page that has no text at all:"),
    new_code_cell('''\
items = [(p.stem, p.read_text(encoding="utf-8")) for p in seed_files[:2]] + [("blank", "   \\n  ")]
show(nlp.pipe(items, batch_size=8, errors="report"))'''),
    new_markdown_cell("""\
Every result serializes to JSON (`result.to_json()`), the same output as `bantin analyze page.txt --format json`:"""),
    new_code_cell('''\
d = result.to_dict()
d["blocks"] = d["blocks"][:2] + ["…"]
d["body"] = [short(p, 80) for p in d["body"][:2]] + ["…"]
d["clean_text"] = short(d["clean_text"], 120)
print(json.dumps(d, ensure_ascii=False, indent=1)[:1500])'''),
]

NOTEBOOKS = {"01_data.ipynb": NB01, "02_train_and_evaluate.ipynb": NB02, "03_use_the_pipeline.ipynb": NB03}


def write(name: str) -> Path:
    nb = new_notebook(cells=NOTEBOOKS[name])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    path = HERE / name
    nbformat.write(nb, path)
    return path


def execute(path: Path, timeout: int = 900) -> float:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    seconds = time.perf_counter() - t0
    nbformat.write(nb, path)
    if "--timings" in sys.argv:  # the slowest cells (nbclient records start/end times in the cell metadata)
        from datetime import datetime

        spans = []
        for i, cell in enumerate(nb.cells):
            ex = cell.get("metadata", {}).get("execution", {})
            if "iopub.execute_input" in ex and "shell.execute_reply" in ex:
                start, end = (datetime.fromisoformat(ex[k].replace("Z", "+00:00")) for k in ("iopub.execute_input", "shell.execute_reply"))
                spans.append(((end - start).total_seconds(), i, cell.source.splitlines()[0][:60]))
        for sec, i, first in sorted(spans, reverse=True)[:6]:
            print(f"  cell {i}: {sec:.1f} s  {first}")
    return seconds


if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or list(NOTEBOOKS)
    for name in names:
        p = write(name)
        if "--execute" in sys.argv:
            print(f"{name}: executed in {execute(p):.0f} s", flush=True)
        else:
            print(f"wrote {p}")
