"""Moved to store.runs (run and site queries belong to the store). Kept only so crawler modules written before
the move keep importing; new code imports store.runs. Remove once no crawler module imports it."""
from store.runs import (  # noqa: F401
    SiteSpec,
    create_run,
    finish_run,
    in_partition,
    now,
    parse_partition,
    pending_sites,
    status_counts,
)
