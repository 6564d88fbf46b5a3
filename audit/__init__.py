"""Audit: rubric loading and validation, the check registry, and the pure scoring function.

`audit.engine.score(rubric, evidence) -> AuditResult` does no I/O; the store feeds it and keeps its result.
"""
