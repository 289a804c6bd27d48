"""Fine-tuned transformer encoder for topics: any Hugging Face encoder by name or path (offline: "e5-small").

Architecture: encoder -> mean pooling over the attention mask (how e5 was trained) -> dropout -> linear.
Single-label: cross-entropy, softmax probabilities; multi-label: BCE, sigmoid probabilities, threshold 0.5.
Runs on CPU (tiny smoke settings) and uses the GPU when there is one (fp16 autocast).
The model directory holds ``encoder/`` (save_pretrained, safetensors + tokenizer) and ``head.safetensors``.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import BantinInputError
from bantin.topics.base import TopicModel, check_texts

log = logging.getLogger(__name__)
HEAD = "head.safetensors"
ENCODER_DIR = "encoder"


def _mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-6)


class TransformerTopicModel(TopicModel):
    kind = "transformer"

    def __init__(self, pretrained: str = "e5-small", max_length: int = 256, epochs: float = 3.0, learning_rate: float = 5e-5,
                 batch_size: int = 32, eval_batch_size: int = 64, weight_decay: float = 0.01, warmup_ratio: float = 0.06,
                 max_steps: int = -1, device: str = "auto", fp16: bool = True, seed: int = 0, text_prefix: str = "query: ",
                 multi_label: bool = False, tiny_config: dict | None = None) -> None:
        super().__init__(multi_label=multi_label)
        self.pretrained, self.max_length, self.epochs = pretrained, max_length, epochs
        self.learning_rate, self.batch_size, self.eval_batch_size = learning_rate, batch_size, eval_batch_size
        self.weight_decay, self.warmup_ratio, self.max_steps = weight_decay, warmup_ratio, max_steps
        self.device_name, self.fp16, self.seed, self.text_prefix = device, fp16, seed, text_prefix
        self.tiny_config = dict(tiny_config or {})
        self.tokenizer = None
        self.encoder = None
        self.head = None
        self._device = None

    @classmethod
    def from_config(cls, c, multi_label: bool = False) -> TransformerTopicModel:
        return cls(pretrained=c.pretrained, max_length=c.max_length, epochs=c.epochs, learning_rate=c.learning_rate,
                   batch_size=c.batch_size, eval_batch_size=c.eval_batch_size, weight_decay=c.weight_decay,
                   warmup_ratio=c.warmup_ratio, max_steps=c.max_steps, device=c.device, fp16=c.fp16, seed=c.seed,
                   multi_label=multi_label, tiny_config=c.tiny_config)

    # -- modules -------------------------------------------------------------------------------------
    def _load_pretrained(self, texts: Sequence[str]) -> None:
        from bantin.models.hf import load_encoder, tiny_encoder

        name = self.pretrained
        if self.tiny_config:  # tests / smoke runs: a random tiny encoder built from a config
            tmp = Path(tempfile.mkdtemp(prefix="bantin-tiny-enc-"))
            name = str(tiny_encoder(tmp, texts=list(texts)[:500], **self.tiny_config))
        self.tokenizer, self.encoder = load_encoder(name)

    def _build_head(self):
        import torch

        hidden = self.encoder.config.hidden_size
        return torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(hidden, len(self.labels)))

    def _device_of(self):
        from bantin.models.hf import select_device

        if self._device is None:
            self._device = select_device(self.device_name)
        return self._device

    def _encode(self, texts: Sequence[str]):
        return self.tokenizer([self.text_prefix + " ".join(t.split()) for t in texts], truncation=True,
                              max_length=self.max_length, padding=True, return_tensors="pt")

    def _logits(self, batch):
        out = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        return self.head(_mean_pool(out.last_hidden_state, batch["attention_mask"]))

    # -- training ------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels) -> TransformerTopicModel:
        import torch
        from transformers import get_linear_schedule_with_warmup

        texts = check_texts(texts)
        if len(texts) != len(labels):
            raise BantinInputError(f"{len(texts)} texts but {len(labels)} labels")
        y = self._encode_labels(labels)
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        self._load_pretrained(texts)
        self.head = self._build_head()
        device = self._device_of()
        self.encoder.to(device).train()
        self.head.to(device).train()
        params = [p for p in list(self.encoder.parameters()) + list(self.head.parameters()) if p.requires_grad]
        decay = [p for p in params if p.ndim >= 2]
        no_decay = [p for p in params if p.ndim < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": self.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                                lr=self.learning_rate)
        steps_per_epoch = math.ceil(len(texts) / self.batch_size)
        total = self.max_steps if self.max_steps > 0 else max(1, math.ceil(steps_per_epoch * self.epochs))
        sched = get_linear_schedule_with_warmup(opt, int(total * self.warmup_ratio), total)
        use_amp = self.fp16 and device.type == "cuda"
        amp_dtype = torch.bfloat16 if use_amp and torch.cuda.is_bf16_supported() else torch.float16
        scaler = torch.amp.GradScaler("cuda", enabled=use_amp and amp_dtype == torch.float16)
        loss_fn = torch.nn.BCEWithLogitsLoss() if self.multi_label else torch.nn.CrossEntropyLoss()
        y_t = torch.tensor(y, dtype=torch.float32 if self.multi_label else torch.long)
        step, t0, running = 0, time.perf_counter(), 0.0
        while step < total:
            order = rng.permutation(len(texts))
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = {k: v.to(device) for k, v in self._encode([texts[i] for i in idx]).items()}
                with torch.autocast(device.type, dtype=amp_dtype, enabled=use_amp):
                    logits = self._logits(batch)
                loss = loss_fn(logits.float(), y_t[idx].to(device))
                opt.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                scaler.step(opt)
                scaler.update()
                sched.step()
                step += 1
                running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
                if step % 50 == 0 or step == total:
                    print(f"step {step}/{total} loss {running:.4f} ({time.perf_counter() - t0:.0f}s)", flush=True)
                if step >= total:
                    break
        self.encoder.eval()
        self.head.eval()
        self.training_info.update({"n_docs": len(texts), "steps": step, "device": str(device),
                                   "pretrained": self.pretrained if not self.tiny_config else f"tiny:{self.tiny_config}"})
        return self

    # -- inference -----------------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        texts = check_texts(texts)
        if self.encoder is None:
            raise BantinInputError("the model is not fitted")
        device = self._device_of()
        self.encoder.to(device).eval()
        self.head.to(device).eval()
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
        use_amp = self.fp16 and device.type == "cuda"
        with torch.inference_mode():
            for start in range(0, len(order), self.eval_batch_size):
                idx = order[start : start + self.eval_batch_size]
                batch = {k: v.to(device) for k, v in self._encode([texts[i] for i in idx]).items()}
                with torch.autocast(device.type, enabled=use_amp):
                    logits = self._logits(batch).float()
                probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
                out[idx] = probs.cpu().numpy()
        return out

    # -- persistence ---------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {"pretrained": self.pretrained, "max_length": self.max_length, "epochs": self.epochs,
                "learning_rate": self.learning_rate, "batch_size": self.batch_size, "eval_batch_size": self.eval_batch_size,
                "weight_decay": self.weight_decay, "warmup_ratio": self.warmup_ratio, "max_steps": self.max_steps,
                "device": self.device_name, "fp16": self.fp16, "seed": self.seed, "text_prefix": self.text_prefix,
                "multi_label": self.multi_label, "tiny_config": self.tiny_config}

    def _save_weights(self, path: Path) -> None:
        from safetensors.torch import save_file

        if self.encoder is None:
            raise BantinInputError("the model is not fitted")
        self.encoder.save_pretrained(path / ENCODER_DIR, safe_serialization=True)
        self.tokenizer.save_pretrained(path / ENCODER_DIR)
        save_file({k: v.detach().cpu().contiguous() for k, v in self.head.state_dict().items()}, str(path / HEAD))

    def _load_weights(self, path: Path) -> None:
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        from bantin.models.base import model_file, model_tree

        enc_dir, head_file = model_tree(path, ENCODER_DIR), model_file(path, HEAD)
        self.tokenizer = AutoTokenizer.from_pretrained(enc_dir)
        try:  # safetensors weights only: a pickled pytorch_model.bin is never read
            self.encoder = AutoModel.from_pretrained(enc_dir, add_pooling_layer=False, use_safetensors=True)
        except TypeError:
            self.encoder = AutoModel.from_pretrained(enc_dir, use_safetensors=True)
        self.head = self._build_head()
        try:
            self.head.load_state_dict(load_file(str(head_file)))
        except Exception as exc:  # safetensors / torch raise their own error types for corrupt or mismatched files
            raise ValueError(f"{HEAD}: {exc}") from exc
        self.encoder.eval()
        self.head.eval()

    def card_details(self) -> str:
        return (f"## Model\n\nFine-tuned `{self.pretrained}` encoder (first {self.max_length} tokens, prefix {self.text_prefix!r}, "
                "mean pooling) with a linear head; " + ("sigmoid outputs, threshold 0.5 (multi-label)." if self.multi_label
                                                        else "softmax outputs.") + " Weights: encoder/ (safetensors) + head.safetensors.")
