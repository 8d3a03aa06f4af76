"""sg-default-group-adopted: every VPC the stack creates has its default security group adopted by
an ``aws.ec2.DefaultSecurityGroup``, which removes the rules AWS gives it.

AWS creates each new VPC with a default group that allows all traffic between its members and all
egress, so AWS Security Hub EC2.2 fails once the VPC exists unless the stack adopts the group
(Checkov: CKV2_AWS_12). That the adopter declares no rule is sg-default-group-closed's concern.
VPCs outside the stack (a ``vpcId`` given as a known id) are not reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..references import Reference
from ..stack_findings import pending_references
from ..stack_graph import StackGraph
from ..stack_resources import Vpc


def check(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    adopted = {adopter.vpc_urn for adopter in graph.adopters if adopter.vpc_urn is not None}
    pending = [adopter for adopter in graph.adopters if adopter.pending]
    return [
        _pending_adopter(vpc, pending) if pending else _unadopted(vpc)
        for vpc in graph.vpcs
        if vpc.created and vpc.urn not in adopted
    ]


def _unadopted(vpc: Vpc) -> Finding:
    return Finding(
        f"VPC '{vpc.name}' gets a default security group from AWS that allows all traffic "
        "between its members and all outbound traffic, and nothing in this stack adopts it, so "
        "AWS Security Hub EC2.2 fails once the VPC exists. Fix: adopt it with "
        "aws.ec2.DefaultSecurityGroup(vpc_id=<this VPC's id>) and no ingress or egress (with the "
        "tiered-sg components: closeDefaultGroup / close_default_group).",
        urn=vpc.urn,
    )


def _pending_adopter(vpc: Vpc, pending: Sequence[Reference]) -> Finding:
    situation = f"VPC '{vpc.name}' has no known adopter of its default security group"
    return pending_references(situation, pending, "adopts it", vpc.urn)


POLICY: Final = PolicyRecord(
    name="sg-default-group-adopted",
    description="Every VPC the stack creates must have its default security group adopted by an "
    "aws.ec2.DefaultSecurityGroup, or AWS's allow rules on it stay (AWS Security Hub EC2.2).",
    # Not a finding of sg-default-group-closed: that policy is mandatory, and pulumi-policy 1.21
    # reports every violation at its policy's level (report_violation takes no level), so an
    # advisory finding needs a policy of its own.
    level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation="Adopt the VPC's default group with aws.ec2.DefaultSecurityGroup and no rules "
    "(tiered-sg: close_default_group).",
    control="EC2.2",
    on_stack=check,
)
