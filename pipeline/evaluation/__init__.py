"""Evaluation on the dev corpora: loaders, metrics, baselines, the eval table."""
