"""What a run produces: findings (with related locations) and undecided checks."""
from __future__ import annotations

from dataclasses import dataclass, field

from .document import Span

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Related:
    """Another link of the chain behind a finding (a route, a NAT gateway, a policy)."""

    span: Span
    message: str
    resource: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: str
    message: str
    span: Span
    resource: str | None
    related: tuple[Related, ...] = ()
    # where in its file, independent of line numbers (``Resources/Jobs/Properties/Timeout``,
    # ``resource.aws_sqs_queue.jobs/visibility_timeout_seconds``): SARIF fingerprints hash it
    key: str = ""
    construct_path: str | None = None  # AWS CDK construct path of the resource (aws:cdk:path)

    def sort_key(self):
        s = self.span
        return (s.file, s.line, s.column, self.rule, self.resource or "", self.message)


@dataclass(frozen=True, slots=True)
class Undecided:
    """A check a rule could not decide, and the value that blocked it."""

    rule: str
    resource: str | None
    reason: str
    span: Span | None = None
    cause: str = "other"  # one of lambdalint.values.CAUSES

    def sort_key(self):
        s = self.span
        return (s.file if s else "", s.line if s else 0, self.rule, self.resource or "", self.reason)


@dataclass
class Report:
    """Everything a reporter needs."""

    findings: list[Finding]
    unknowns: list[Undecided] = field(default_factory=list)
    files: int = 0
    functions: int = 0
    suppressed: int = 0
    suppressed_without_reason: int = 0
    show_unknowns: bool = False
    internal_errors: list = field(default_factory=list)  # one line each; they make the exit code 2
    paths: tuple = ()  # every file linted (as shown), so reports can list the clean ones too
    fail_on: str = "warning"  # the run's --fail-on (JUnit marks only those findings as failures)
    elapsed: float = 0.0  # seconds the run took (JUnit time attributes)
    checks: dict = field(default_factory=dict)  # rule ID -> [decided, undecided] (see engine.verdict)

    @property
    def decided(self) -> int:
        return sum(decided for decided, _ in self.checks.values())

    @property
    def undecided(self) -> int:
        return sum(undecided for _, undecided in self.checks.values())

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
