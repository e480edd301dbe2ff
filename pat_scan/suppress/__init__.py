"""Why a finding the engine reported is not reported after all, by what the user said: inline
markers, the configuration's allowlists (here), and the baseline (`baseline`, applied once a
scan is complete). The engine has already set aside what is not a credential at all
(placeholders, documented example keys, a rule's own allow list).

Every step returns a reason, so `--show-suppressed` can say why each candidate was dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from pat_scan.findings import Finding
from pat_scan.suppress import markers
from pat_scan.suppress.allowlist import Allowlist

__all__ = ["Allowlist", "apply"]


def apply(findings: Sequence[Finding], allowlist: Allowlist) -> tuple[list[Finding], list[Finding]]:
    """(reported, suppressed); each suppressed finding carries its reason."""
    reported: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        reason = (
            finding.suppressed
            or markers.reason(finding, allowlist.foreign_markers)
            or allowlist.reason(finding)
        )
        if reason is None:
            reported.append(finding)
        else:
            suppressed.append(finding._replace(suppressed=reason))
    return reported, suppressed
