"""Registry of named checks. Importing this package registers every built-in check."""
from audit.checks import data, freshness, human, signals  # noqa: F401  (registration side effect)
from audit.checks.base import CheckOutcome, EvidenceIndex, Param
from audit.checks.registry import CHECKS, RegisteredCheck, check, param_errors, run_check

__all__ = ["CHECKS", "CheckOutcome", "EvidenceIndex", "Param", "RegisteredCheck", "check", "param_errors",
           "run_check"]
