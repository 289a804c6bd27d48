"""bantin: Vietnamese news pages -> clean article (labeled blocks), topics and a short summary."""

__version__ = "0.1.0"

from bantin.blocks import Block, Page, load_page, parse_page  # noqa: E402
from bantin.errors import BantinDataError, BantinError, BantinInputError, BantinModelError  # noqa: E402
from bantin.labels import BOILERPLATE_LABELS, CONTENT_LABELS, LABELS  # noqa: E402

__all__ = [
    "__version__",
    "Block",
    "Page",
    "parse_page",
    "load_page",
    "Pipeline",
    "ArticleResult",
    "LABELS",
    "CONTENT_LABELS",
    "BOILERPLATE_LABELS",
    "BantinError",
    "BantinInputError",
    "BantinModelError",
    "BantinDataError",
]


def __getattr__(name: str):
    # The pipeline pulls in the models; import it only when asked for.
    if name in ("Pipeline", "ArticleResult"):
        from bantin import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
