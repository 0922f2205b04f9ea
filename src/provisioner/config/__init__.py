"""Config models and loading: YAML file → validated, immutable model."""
