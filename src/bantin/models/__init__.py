"""Model directories and the shared estimator interface (see ``bantin.models.base``)."""

from bantin.models.base import Estimator, load_model, model_file, model_tree, read_json_file, read_manifest, register_model

__all__ = ["Estimator", "load_model", "model_file", "model_tree", "read_json_file", "read_manifest", "register_model"]
