"""Opt-in verification: ask each provider, with one read-only call, whether a found credential
is live, whose it is, what it may do and when it expires; and revoke GitHub tokens.

Nothing here runs without `--verify` (or `verify: true`), `pat-scan verify` or `pat-scan revoke`,
and nothing here is imported on the hook's path otherwise: the HTTP client (the `verify` extra)
is imported only when a request is about to be made.
"""
