"""History scans: every blob of a repository's history once, each secret at its first commit."""
