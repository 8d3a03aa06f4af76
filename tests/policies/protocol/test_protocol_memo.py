"""The pack's memos seen from the engine's side: one pack process, many calls, no leaks.

The pack normalises each resource once for its 7 resource policies and analyses each stack once
for its 4 stack policies, keyed by content. Through the real Analyzer protocol, a URN analysed
again with other props, concurrent calls, and a second stack in the same session must each get
exactly the findings of what was sent.
"""

from concurrent.futures import ThreadPoolExecutor

from protocol_shapes import SG, VPC_IN, notes, violations
from protocol_stacks import tiered

from analyzer_client import UNKNOWN, AnalyzeResult, Resource

ADMIN = "sg-no-public-admin-ports"
DESCRIBED = "sg-rules-described"
EGRESS = "sg-no-unrestricted-egress"
TIER = "sg-tier-isolation"
MIXED = "sg-no-mixed-rule-styles"
STACK_POLICIES = (TIER, MIXED, "sg-rule-quota", "sg-default-group-closed")


def _rule(cidr, name="r"):
    props = {
        "securityGroupId": "sg-0123456789abcdef0",
        "ipProtocol": "tcp",
        "fromPort": 22,
        "toPort": 22,
        "description": "ssh",
        "cidrIpv4": cidr,
    }
    return Resource(VPC_IN, name, props)


def _messages(result: AnalyzeResult):
    return sorted((d.policy_name, d.message) for d in result.diagnostics)


def test_same_urn_analysed_again_with_other_props_gets_its_own_findings(pack):
    open_ssh = pack.analyze(_rule("0.0.0.0/0"))
    closed = pack.analyze(_rule("10.0.0.0/8"))
    pending = pack.analyze(_rule(UNKNOWN))
    again = pack.analyze(_rule("0.0.0.0/0"))
    assert len(violations(open_ssh, ADMIN)) == 1
    assert not closed.diagnostics
    assert not violations(pending, ADMIN) and notes(pending, ADMIN)
    assert _messages(again) == _messages(open_ssh)


def test_every_resource_policy_judges_the_group_it_was_sent(pack):
    messy = Resource(
        SG,
        "web",
        {
            "vpcId": "vpc-0123",
            "description": "Managed by Pulumi",
            "ingress": [
                {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
            ],
            "egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}],
        },
    )
    tidy = Resource(SG, "web", {"vpcId": "vpc-0123", "description": "web tier", "egress": []})
    bad = pack.analyze(messy)
    assert {ADMIN, DESCRIBED, EGRESS} <= bad.policy_names
    assert not pack.analyze(tidy).diagnostics
    assert _messages(pack.analyze(messy)) == _messages(bad)


def test_concurrent_calls_on_one_urn_each_get_their_own_findings(pack):
    # The SDK serves calls from a thread pool, so the memo is shared between in-flight calls.
    cidrs = ["0.0.0.0/0" if i % 2 else "10.0.0.0/8" for i in range(24)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda cidr: pack.analyze(_rule(cidr)), cidrs))
    for cidr, result in zip(cidrs, results, strict=True):
        assert bool(violations(result, ADMIN)) == (cidr == "0.0.0.0/0"), cidr


def _stack_messages(result: AnalyzeResult):
    return sorted((d.policy_name, d.urn, d.message) for d in result.diagnostics)


def test_two_stacks_in_one_session_get_their_own_stack_findings(pack):
    clean = tiered(pack).resources
    leaky = tiered(pack)
    breach = leaky.rule("db", "ingress", 5432, cidr="0.0.0.0/0", name="db-from-world")
    other_chain = tiered(pack, chain="other").resources

    first = pack.analyze_stack(clean)
    second = pack.analyze_stack(leaky.resources)
    third = pack.analyze_stack(other_chain)
    fourth = pack.analyze_stack(clean)

    assert not any(first.for_policy(p) for p in STACK_POLICIES)
    [diag] = second.for_policy(TIER)
    assert diag.urn == breach and "CIDR 0.0.0.0/0" in diag.detail
    assert not any(third.for_policy(p) for p in STACK_POLICIES)
    assert _stack_messages(fourth) == _stack_messages(first)


def test_a_stack_that_differs_only_in_outputs_is_analysed_again(pack):
    stack = tiered(pack, admin=False)
    web = next(r for r in stack.resources if r.type == SG and r.name.endswith("-web"))
    mixed = [
        Resource(
            web.type,
            web.name,
            web.inputs,
            outputs={
                **(web.outputs or {}),
                "ingress": [
                    {"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["10.0.0.0/8"]}
                ],
            },
            parent=web.parent,
        )
        if r is web
        else r
        for r in stack.resources
    ]
    assert not pack.analyze_stack(stack.resources).for_policy(MIXED)
    assert pack.analyze_stack(mixed).for_policy(MIXED)
    assert not pack.analyze_stack(stack.resources).for_policy(MIXED)


def test_run_collects_every_call_in_order(pack):
    # PolicyPackSession.run builds its result once; it must equal the calls' results in order.
    stack = tiered(pack)
    stack.rule("db", "ingress", 5432, cidr="0.0.0.0/0", name="db-from-world")
    resources = [*stack.resources, _rule("0.0.0.0/0", name="loose")]
    whole = pack.run(resources)
    parts = [pack.analyze(r) for r in resources] + [pack.analyze_stack(resources)]
    expected = AnalyzeResult(
        tuple(d for part in parts for d in part.diagnostics),
        tuple(n for part in parts for n in part.not_applicable),
        tuple(r for part in parts for r in part.remediations),
    )
    assert whole == expected
    assert whole.diagnostics and whole.for_policy(TIER) and whole.for_policy(ADMIN)
