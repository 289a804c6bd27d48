"""`bantin analyze` and `bantin bench` (filled in by the pipeline work)."""
