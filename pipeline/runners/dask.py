"""The Dask engine: the same tasks on a ``dask.distributed`` cluster.

``pipeline clean raw clean --engine dask`` starts a :class:`LocalCluster` of
``--workers`` single-threaded worker processes bound to 127.0.0.1 with the
dashboard off; ``--scheduler tcp://host:8786`` uses a running cluster instead
(its workers need this package installed: ``pip install '.[dask]'``).

The run itself (reading, skipping unchanged documents, the manifest,
``_run.json``) is :func:`pipeline.runners.run.run`'s, whatever the engine;
this engine only maps batches to results: it sends them to the cluster as
``dask.bag`` partitions, one batch each, so the per-task overhead (a few
milliseconds) is paid once per batch, in two phases: the stages (each
document's site line keys come back, and the document itself, which the run
spools to disk), then, once the run has summed the keys into the site index
(the group-by over site and line hash), the site pass and rendering, with the
index shipped inside the task. Workers return rendered outputs and the run
writes them, so the cluster needs no shared file system, and the output
bytes are the local runner's.

Dask starts worker processes with ``spawn``: everything a task needs travels
as arguments (documents, the stage list, the frozen
:class:`~pipeline.config.Config`'s settings). The time limit works in Dask's
task threads too (:func:`pipeline.runners.limits.time_limit` raises the
timeout in the thread), so a slow document is recorded as ``timeout``; what
it cannot stop is a stage stuck inside native code, which holds its worker
until it returns (set ``distributed.scheduler.allowed-failures`` and worker
lifetimes for hostile inputs).
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.runners.pool import WINDOW_PER_WORKER, current_rss
from pipeline.runners.result import Result

#: Loopback only: a LocalCluster started by this runner is never reachable from the network.
LOCAL_HOST = "127.0.0.1"
#: Batches sent to the cluster per bag (one graph): enough to keep every worker busy.
BATCHES_PER_BAG_PER_WORKER = 2

__all__ = ["DaskEngine", "run_bag_partition"]


def run_bag_partition(batches: Iterable[list[Any]], task: Any) -> list[list[Result]]:
    """A bag partition's function: each element is one batch, run through the task."""
    return [task(items) for items in batches]


class DaskEngine:
    """Map batches to results on a Dask cluster, in order."""

    def __init__(self, workers: int | None, task: Any, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as error:
            raise ImportError("the dask engine needs the dask extra: pip install '.[dask]'") from error
        self.task = task
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

    def _submit(self, batch: list[list[Any]]) -> list[Any]:
        import dask.bag as db

        bag = db.from_sequence(batch, partition_size=1).map_partitions(run_bag_partition, self.task)
        return self.client.compute(bag.to_delayed())

    def map(self, batches: Iterable[list[Any]]) -> Iterator[list[Result]]:
        source = iter(batches)
        in_flight: deque[Any] = deque()
        per_bag = self.workers * BATCHES_PER_BAG_PER_WORKER
        limit = self.workers * WINDOW_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < limit:
                bag: list[list[Any]] = []
                for batch in source:
                    bag.append(batch)
                    if len(bag) >= per_bag:
                        break
                else:
                    exhausted = True
                if bag:
                    in_flight.extend(self._submit(bag))
            if not in_flight:
                return
            future = in_flight.popleft()
            yield from future.result()
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
