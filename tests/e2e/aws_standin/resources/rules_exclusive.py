"""``aws:ec2/vpcSecurityGroupRulesExclusive``: the group keeps only the rules it lists.

As Terraform's ``aws_vpc_security_group_rules_exclusive``: its id is the group's id; Create, and
an Update whose lists changed, revoke (one by one) every rule of the group the lists do not
name; a listed rule that does not exist is only logged (the provider warns). Read reports the
group's actual rule ids, inputs included, so `pulumi refresh` shows a rule added behind
Pulumi's back and the next `up` revokes it. Delete leaves the rules as they are.
"""

import logging

from ..ec2api import RegionalEc2
from ..errors import Ec2Error
from ..spec import STRING, STRING_LIST, Prop, ResourceSpec
from .base import Props, ResourceHandler
from .ec2_reads import describe_group, group_rule_ids

LOG = logging.getLogger(__name__)
TOKEN = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"

SPEC = ResourceSpec(
    token=TOKEN,
    description="Manages an exclusive set of rules for a security group.",
    properties={
        "egressRuleIds": Prop(
            STRING_LIST, "Egress rule IDs the group keeps.", required=True, set_like=True
        ),
        "ingressRuleIds": Prop(
            STRING_LIST, "Ingress rule IDs the group keeps.", required=True, set_like=True
        ),
        "region": Prop(STRING, "Region of the group.", replaces=True, computed=True),
        "securityGroupId": Prop(STRING, "ID of the security group.", required=True, replaces=True),
    },
    always_present=("egressRuleIds", "ingressRuleIds", "region", "securityGroupId"),
)


class RulesExclusiveHandler(ResourceHandler):
    spec = SPEC

    def create(
        self, ec2: RegionalEc2, name: str, inputs: Props, timeout: float
    ) -> tuple[str, Props]:
        group_id = str(inputs["securityGroupId"])
        _sync(ec2, group_id, inputs)
        return group_id, self._state(ec2, inputs)

    def read(self, ec2: RegionalEc2, resource_id: str, state: Props) -> Props | None:
        group_id = str(state.get("securityGroupId") or resource_id)
        if describe_group(ec2, group_id) is None:
            return None
        ingress, egress = group_rule_ids(ec2, group_id)
        return {
            "egressRuleIds": _keep_order(state.get("egressRuleIds"), egress),
            "ingressRuleIds": _keep_order(state.get("ingressRuleIds"), ingress),
            "region": ec2.region,
            "securityGroupId": group_id,
        }

    def update(
        self, ec2: RegionalEc2, resource_id: str, olds: Props, news: Props, timeout: float
    ) -> Props:
        if any(
            set(olds.get(k) or []) != set(news.get(k) or [])
            for k in ("ingressRuleIds", "egressRuleIds")
        ):
            _sync(ec2, str(news["securityGroupId"]), news)
        return self._state(ec2, news)

    def delete(self, ec2: RegionalEc2, resource_id: str, state: Props, timeout: float) -> None:
        """Nothing to do: dropping exclusive ownership leaves the group's rules alone."""

    def _state(self, ec2: RegionalEc2, inputs: Props) -> Props:
        state = {k: v for k, v in inputs.items() if not k.startswith("__")}
        state["region"] = ec2.region
        return state


def _sync(ec2: RegionalEc2, group_id: str, inputs: Props) -> None:
    have_ingress, have_egress = group_rule_ids(ec2, group_id)
    for direction, have, field in (
        ("ingress", have_ingress, "ingressRuleIds"),
        ("egress", have_egress, "egressRuleIds"),
    ):
        want = [str(rule_id) for rule_id in inputs.get(field) or []]
        for rule_id in sorted(set(want) - set(have)):
            LOG.warning(
                "security group rule %s is listed but not on group %s: create it with a %s rule",
                rule_id,
                group_id,
                direction,
            )
        for rule_id in have:
            if rule_id in want:
                continue
            try:
                ec2.call(
                    f"revoke_security_group_{direction}",
                    GroupId=group_id,
                    SecurityGroupRuleIds=[rule_id],
                )
            except Ec2Error as err:
                if not err.not_found:  # gone already: what we wanted
                    raise


def _keep_order(previous: object, actual: list[str]) -> list[str]:
    """The actual ids, those already in state first in their order, then new ones sorted."""
    known = [str(i) for i in previous] if isinstance(previous, list) else []
    kept = [rule_id for rule_id in known if rule_id in actual]
    return kept + sorted(set(actual) - set(kept))
