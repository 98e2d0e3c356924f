"""Review and reliability tools: ``pipeline diff``, ``report``, ``explain``, and the fuzzer.

Each tool reads what a run wrote (``<stem>.txt`` bodies and ``<stem>.json``
sidecars, see :mod:`pipeline.review.outputs`) or runs the pipeline itself, and
never changes an output folder.
"""
