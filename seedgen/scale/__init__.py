"""Scaling a run out: worker processes of one machine (``jobs``), row-range shards (``shards``), a Dask cluster (``cluster``)."""
