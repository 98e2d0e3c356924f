"""The pipeline's version, written into every sidecar (``pipeline_version``) and the run's fingerprint."""

__version__ = "0.1.0"
