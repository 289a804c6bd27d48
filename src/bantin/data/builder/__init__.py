"""The labeled page dataset builder: real article text laid out in the templates of Vietnamese news sites.

    bantin data build --config configs/data.yaml [--set pages.train=200 ...]

See notes/DATASET_FORMAT.md (the output contract), ``templates`` (the hand-written site layouts and what each
label covers), ``generated`` (randomized site styles gen000... with real-page-scale chrome), ``splits``
(held-out articles and templates) and ``card`` (the dataset card).
"""

from bantin.data.builder.build import build_dataset, build_from_config, build_pages, make_page
from bantin.data.builder.config import ALL_TEMPLATES, BuilderConfig
from bantin.data.builder.templates import TEMPLATES

__all__ = ["ALL_TEMPLATES", "TEMPLATES", "BuilderConfig", "build_dataset", "build_from_config", "build_pages", "make_page"]
