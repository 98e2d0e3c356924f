"""Runners: the same per-document function, on one machine or on a cluster."""
