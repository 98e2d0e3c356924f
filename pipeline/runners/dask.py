"""The Dask engine: the same per-document function on a ``dask.distributed`` cluster.

``pipeline clean raw clean --engine dask`` starts a :class:`LocalCluster` of
``--workers`` single-threaded worker processes bound to 127.0.0.1 with the
dashboard off; ``--scheduler tcp://host:8786`` uses a running cluster instead
(its workers need this package installed: ``pip install '.[dask]'``).

The run itself (reading, skipping unchanged documents, writing, the manifest,
``_run.json``) is :func:`pipeline.runners.local.run`'s; only the cleaning is
sent to the cluster, as ``dask.bag`` partitions of :data:`CHUNK_SIZE`
documents each, so the per-task overhead (a few milliseconds) is paid once per
partition, not per document. Workers return rendered outputs and the client
writes them, so the cluster needs no shared file system, and the output bytes
are the local runner's.

Dask starts worker processes with ``spawn``: everything a task needs travels
as arguments (documents, the frozen :class:`~pipeline.core.Config`), and the
stages are built once per worker process by
:func:`pipeline.runners.local.stages_for`. The per-document time limit uses
``SIGALRM``, which Dask's task threads cannot receive: on Dask a slow document
holds its worker until it finishes (set ``distributed.scheduler.allowed-failures``
and worker lifetimes for hostile inputs).
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.core import Config
from pipeline.document import Document
from pipeline.runners.local import CHUNK_SIZE, WINDOW_PER_WORKER, Result, clean_partition, current_rss

#: Loopback only: a LocalCluster started by this runner is never reachable from the network.
LOCAL_HOST = "127.0.0.1"
#: Partitions sent to the cluster per bag (one graph): enough to keep every worker busy.
PARTITIONS_PER_BAG_PER_WORKER = 2

__all__ = ["CHUNK_SIZE", "DaskEngine", "clean_bag_partition"]


def clean_bag_partition(partitions: Iterable[list[Document]], config: Config, output_format: str,
                        timeout: float | None) -> list[list[Result]]:
    """A bag partition's function: each element is a list of documents, cleaned by the local runner's function."""
    return [clean_partition(docs, config, output_format, None, timeout) for docs in partitions]


class DaskEngine:
    """Map partitions of documents to results on a Dask cluster, in order."""

    def __init__(self, workers: int | None, config: Config, output_format: str, timeout: float | None,
                 scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as error:
            raise ImportError("the dask engine needs the dask extra: pip install '.[dask]'") from error
        self.config, self.output_format, self.timeout = config, output_format, timeout
        self.cluster: Any = None
        if scheduler:
            self.client = Client(scheduler, set_as_default=False)
        else:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, host=LOCAL_HOST, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster, set_as_default=False)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or (workers or 1))
        self.peak_rss: dict[str, int] = {}

    def _submit(self, batch: list[list[Document]]) -> list[Any]:
        import dask.bag as db

        bag = db.from_sequence(batch, partition_size=1).map_partitions(
            clean_bag_partition, self.config, self.output_format, self.timeout)
        return self.client.compute(bag.to_delayed())

    def map(self, partitions: Iterable[list[Document]]) -> Iterator[list[Result]]:
        source = iter(partitions)
        in_flight: deque[Any] = deque()
        batch_size = self.workers * PARTITIONS_PER_BAG_PER_WORKER
        limit = self.workers * WINDOW_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < limit:
                batch: list[list[Document]] = []
                for partition in source:
                    batch.append(partition)
                    if len(batch) >= batch_size:
                        break
                else:
                    exhausted = True
                if batch:
                    in_flight.extend(self._submit(batch))
            if not in_flight:
                return
            future = in_flight.popleft()
            for results in future.result():
                yield results
            future.release()

    def close(self) -> None:
        try:
            for address, rss in self.client.run(current_rss).items():
                self.peak_rss[address] = max(self.peak_rss.get(address, 0), int(rss))
        except Exception:  # noqa: BLE001 - memory figures are a nicety; closing must go on
            pass
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
