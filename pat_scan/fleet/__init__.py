"""`pat-scan fleet`: the history of many repositories, each mirrored into a cache and scanned in
a process of its own, on this machine or on a Dask cluster, with an inventory of what was
covered and found.

    repos (and listing) ──▶ run (plan, retries) ──▶ local / dask_driver ──▶ child ──▶ work
                                  │                                                  (mirror,
                                  ▼                                                  history scan)
                       inventory ──▶ report (text, JSON, SARIF per repository)
"""
