"""The sentence API: planning is pure, building registers it all, references wire both ways."""

import gc

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.output import Unknown

from tiered_sg import (
    Direction,
    ManagedSecurityGroup,
    Peer,
    Port,
    TieredSecurityGroups,
    TieredSgError,
    Topology,
)

SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def _keys(plan):
    return {(rule.direction.value, str(rule.port), rule.peer.value) for rule in plan.rules}


# -- planning (no runtime needed: nothing is registered) ----------------------------------------


def test_allow_from_a_group_writes_ingress_here_and_egress_there():
    topology = Topology("shop")
    web = topology.group("web")
    app = topology.group("app")
    assert app.allow_from(web, Port.tcp(8080)) is app
    assert _keys(app) == {("ingress", "tcp:8080", "web")}
    assert _keys(web) == {("egress", "tcp:8080", "app")}


def test_allow_to_a_group_writes_egress_here_and_ingress_there():
    topology = Topology()
    app = topology.group("app")
    db = topology.group("db")
    app.allow_to(db, "postgres")
    assert _keys(app) == {("egress", "tcp:5432", "db")}
    assert _keys(db) == {("ingress", "tcp:5432", "app")}


def test_cidr_peers_only_touch_the_group_itself():
    topology = Topology()
    web = topology.group("web")
    web.allow_from(Peer.any_ipv4(), Port.tcp(80), Port.tcp(443))
    web.allow_to(Peer.ipv4("10.1.0.0/16"), "https", description="Internal API")
    assert _keys(web) == {
        ("ingress", "tcp:80", "0.0.0.0/0"),
        ("ingress", "tcp:443", "0.0.0.0/0"),
        ("egress", "tcp:443", "10.1.0.0/16"),
    }
    assert [r.description for r in web.rules if r.direction is Direction.EGRESS] == ["Internal API"]


def test_identical_rules_are_planned_once():
    topology = Topology()
    web = topology.group("web")
    app = topology.group("app")
    app.allow_from(web, "https", "tcp:443")
    app.allow_from(web, Port.tcp(443))
    assert len(app.rules) == 1
    assert len(web.rules) == 1


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (
            lambda t: t.group("web"),
            "group name 'web': is already planned; give each group its own name",
        ),
        (
            lambda t: t.group("api").allow_from(Peer.any_ipv4()),
            "group 'api': allow_from names no port; pass ports such as Port.tcp(443)",
        ),
        (
            lambda t: t.group("app").allow_from(Topology().group("web"), Port.tcp(1)),
            "group 'web': belongs to another topology; "
            "reference it with Peer.group(<its group_id>, label=...) instead",
        ),
        (
            lambda t: t.group("sg-x"),
            "group name 'sg-x': AWS refuses group names that start with 'sg-'; "
            "drop the prefix, e.g. 'x'",
        ),
        (
            # Other groups' rules reference a planned group by its name, as a label.
            lambda t: t.group("g" * 64),
            f"group name {'g' * 64!r}: is 64 characters long, at most 63 are allowed; shorten it",
        ),
        (
            lambda t: Topology("t" * 40).group("g" * 60),
            f"security group name {'t' * 40 + '-' + 'g' * 60!r}: is 101 characters long, "
            "at most 100 are allowed; shorten it",
        ),
    ],
)
def test_planning_refusals(act, message):
    topology = Topology()
    topology.group("web")
    with pytest.raises(TieredSgError) as caught:
        act(topology)
    assert str(caught.value) == message


def test_an_external_group_may_not_take_a_planned_groups_label():
    topology = Topology("shop")
    topology.group("web")
    app = topology.group("app")
    app.allow_from(Peer.group("sg-0123456789abcdef0", label="web"), Port.tcp(8080))
    with pytest.raises(TieredSgError) as caught:
        topology.validate()
    assert str(caught.value) == (
        "group shop-app peer label 'web': also names a group of this topology; "
        "give the external group another label"
    )


def test_one_label_bound_to_two_external_groups_is_refused():
    topology = Topology("shop")
    app = topology.group("app")
    app.allow_from(Peer.group("sg-0123456789abcdef0", label="x"), Port.tcp(8080))
    app.allow_from(Peer.group("sg-0fedcba987654321f", label="x"), Port.tcp(8080))
    assert len(app.rules) == 2  # two groups, two permissions: neither is dropped
    with pytest.raises(TieredSgError) as caught:
        topology.validate()
    assert str(caught.value) == (
        "group shop-app peer label 'x': names two groups ('sg-0123456789abcdef0' and "
        "'sg-0fedcba987654321f'), and rules are named by label, so one group's rules would "
        "replace the other's; give each security group its own label"
    )


def _plan_with_external_peers(a_id, b_id):
    topology = Topology("shop")
    app = topology.group("app")
    app.allow_from(Peer.group(a_id, label="ext"), Port.tcp(8080))
    app.allow_from(Peer.group(b_id, label="ext"), Port.tcp(8080))
    return topology, app


def test_one_label_bound_to_two_output_ids_is_refused_before_anything_registers(pulumi_runtime):
    # Issue 20, bug 1: two Outputs under one label compared equal, and the second group's rule
    # was silently deduplicated away.
    def program():
        a = aws.ec2.SecurityGroup("a", description="a")
        b = aws.ec2.SecurityGroup("b", description="b")
        topology, app = _plan_with_external_peers(a.id, b.id)
        planned = len(app.rules)
        with pytest.raises(TieredSgError) as caught:
            topology.build("vpc-0123456789abcdef0")
        return planned, str(caught.value)

    planned, message = pulumi_runtime.run(program)
    assert planned == 2  # two groups, two permissions: neither is dropped
    assert message == (
        "group shop-app peer label 'ext': names two groups (<Output> and <Output>), and rules "
        "are named by label, so one group's rules would replace the other's; give each security "
        "group its own label"
    )
    # Registrations run on threads: their order is not the program's.
    assert sorted(r.name for r in pulumi_runtime.registrations) == ["a", "b"]


def test_one_output_id_under_one_label_twice_is_one_rule(pulumi_runtime):
    def program():
        a = aws.ec2.SecurityGroup("a", description="a")
        topology, app = _plan_with_external_peers(a.id, a.id)
        topology.build("vpc-0123456789abcdef0")
        return len(app.rules)

    planned = pulumi_runtime.run(program)
    assert planned == 1
    (rule,) = pulumi_runtime.of_type(INGRESS)
    assert rule.name == "shop-app-in-tcp-8080-from-ext"
    assert rule.inputs["referencedSecurityGroupId"] == pulumi_runtime.named("a", SG).id


def test_rule_names_are_unique_across_all_groups():
    # Group a's rule from y-in-tcp-80-from-z and group a-in-tcp-8080-from-y's rule from z derive
    # the same name; their URNs share the type chain, so the engine would refuse the second.
    topology = Topology("shop")
    a = topology.group("a")
    a_in = topology.group("a-in-tcp-8080-from-y")
    a.allow_from(topology.group("y-in-tcp-80-from-z"), Port.tcp(8080))
    a_in.allow_from(topology.group("z"), Port.tcp(80))
    with pytest.raises(TieredSgError) as caught:
        topology.validate()
    assert str(caught.value) == (
        "rule name 'shop-a-in-tcp-8080-from-y-in-tcp-80-from-z': groups 'shop-a' and "
        "'shop-a-in-tcp-8080-from-y' both have an ingress rule of this name, and the rules of "
        "all groups share one URN type, so their URNs would clash; rename one of the groups"
    )


# -- building -----------------------------------------------------------------------------------


def test_build_wires_forward_and_backward_references(pulumi_runtime):
    def program():
        topology = Topology("shop")
        web = topology.group("web")
        app = topology.group("app")
        app.allow_from(web, Port.tcp(8080))
        return topology.build("vpc-0a1b2c3d4e5f60718")

    groups = pulumi_runtime.run(program)
    assert set(groups) == {"web", "app"}
    web_sg = pulumi_runtime.named("shop-web", SG)
    app_sg = pulumi_runtime.named("shop-app", SG)
    ingress = pulumi_runtime.named("shop-app-in-tcp-8080-from-web", INGRESS)
    egress = pulumi_runtime.named("shop-web-out-tcp-8080-to-app", EGRESS)
    # app's ingress refers to web, built before it; web's egress refers to app, built after it.
    assert ingress.inputs["referencedSecurityGroupId"] == web_sg.id
    assert ingress.inputs["securityGroupId"] == app_sg.id
    assert egress.inputs["referencedSecurityGroupId"] == app_sg.id
    assert egress.inputs["securityGroupId"] == web_sg.id
    assert egress.property_dependencies["referencedSecurityGroupId"] == [app_sg.urn]
    assert egress.property_dependencies["securityGroupId"] == [web_sg.urn]
    assert pulumi_runtime.resolve(groups["app"].group_id) == app_sg.id


def test_in_preview_ids_are_unknown_but_dependencies_name_the_groups(pulumi_runtime):
    pulumi_runtime.configure(preview=True)

    def program():
        topology = Topology("shop")
        web = topology.group("web")
        topology.group("app").allow_from(web, Port.tcp(8080))
        topology.build("vpc-0a1b2c3d4e5f60718")

    pulumi_runtime.run(program)
    web_sg = pulumi_runtime.named("shop-web", SG)
    app_sg = pulumi_runtime.named("shop-app", SG)
    ingress = pulumi_runtime.named("shop-app-in-tcp-8080-from-web", INGRESS)
    assert isinstance(ingress.inputs["referencedSecurityGroupId"], Unknown)
    assert isinstance(ingress.inputs["securityGroupId"], Unknown)
    assert ingress.property_dependencies["referencedSecurityGroupId"] == [web_sg.urn]
    assert ingress.property_dependencies["securityGroupId"] == [app_sg.urn]


def test_a_plan_over_quota_registers_nothing(pulumi_runtime):
    def program():
        topology = Topology("shop")
        web = topology.group("web")
        for i in range(61):
            web.allow_from(Peer.ipv4(f"10.0.{i}.0/24"), Port.tcp(443))
        with pytest.raises(TieredSgError, match=r"^security group 'shop-web': 61 inbound IPv4"):
            topology.build("vpc-0a1b2c3d4e5f60718")

    pulumi_runtime.run(program)
    assert pulumi_runtime.registrations == []


# -- the README examples, verbatim ----------------------------------------------------------------


def readme_topology_example() -> None:
    vpc = aws.ec2.get_vpc_output(default=True)

    shop = Topology("shop", tags={"team": "payments"})
    lb = shop.group("lb", description="Public load balancers")
    app = shop.group("app")
    db = shop.group("db")

    lb.allow_from(Peer.any_ipv4(), Port.tcp(443))
    lb.allow_from(Peer.any_ipv6(), Port.tcp(443))
    app.allow_from(lb, Port.tcp(5000))  # ingress on app AND egress on lb
    db.allow_from(app, Port.service("postgres"))
    app.allow_to(Peer.any_ipv4(), Port.tcp(443), description="OS and package updates")

    groups = shop.build(vpc.id)  # validates every group (quota!) before registering anything
    pulumi.export("appGroupId", groups["app"].group_id)


def readme_components_example() -> None:
    vpc = aws.ec2.get_vpc_output(default=True)

    chain = TieredSecurityGroups(
        "shop",
        {
            "vpc_id": vpc.id,
            "tiers": [
                {"name": "web", "ports": ["https"]},
                {
                    "name": "app",
                    "ports": ["tcp:5000"],
                    "egress": [
                        {"ports": ["https"], "cidrs": ["0.0.0.0/0"], "description": "Updates"}
                    ],
                },
                {"name": "db", "ports": ["postgres"]},
            ],
            "admin_cidrs": {"office": "203.0.113.10/32"},
        },
    )
    bastion = ManagedSecurityGroup(
        "bastion",
        {
            "vpc_id": vpc.id,
            "ingress": [{"ports": ["ssh"], "cidrs": ["203.0.113.10/32"]}],
            "egress": [
                {"ports": ["ssh"], "security_groups": {"admin": chain.groups["admin"].group_id}}
            ],
        },
    )
    pulumi.export("groupIds", chain.group_ids)
    pulumi.export("bastionGroupId", bastion.group_id)


def _rules_by_name(runtime):
    return {
        r.name: (r.inputs["ipProtocol"], r.inputs.get("fromPort"), r.inputs.get("toPort"))
        for r in runtime.registrations
        if r.type in (INGRESS, EGRESS)
    }


def test_readme_topology_example(pulumi_runtime):
    pulumi_runtime.run(readme_topology_example)
    assert {r.name for r in pulumi_runtime.of_type(SG)} == {"shop-lb", "shop-app", "shop-db"}
    assert set(_rules_by_name(pulumi_runtime)) == {
        "shop-lb-in-tcp-443-from-0.0.0.0-0",
        "shop-lb-in-tcp-443-from-0.0.0.0.0.0.0.0-0",
        "shop-lb-out-tcp-5000-to-app",
        "shop-app-in-tcp-5000-from-lb",
        "shop-app-out-tcp-5432-to-db",
        "shop-app-out-tcp-443-to-0.0.0.0-0",
        "shop-db-in-tcp-5432-from-app",
    }
    lb = pulumi_runtime.named("shop-lb", SG)
    assert lb.inputs["description"] == "Public load balancers"
    assert lb.inputs["tags"] == {"team": "payments"}
    assert pulumi_runtime.cloud.calls == [("aws:ec2/getVpc:getVpc", {"default": True})]


def test_readme_components_example(pulumi_runtime):
    pulumi_runtime.run(readme_components_example)
    groups = {r.name for r in pulumi_runtime.of_type(SG)}
    assert groups == {"shop-web", "shop-app", "shop-db", "shop-admin", "bastion"}
    rules = _rules_by_name(pulumi_runtime)
    assert rules["shop-app-out-tcp-443-to-0.0.0.0-0"] == ("tcp", 443, 443)
    assert rules["bastion-out-tcp-22-to-admin"] == ("tcp", 22, 22)
    assert rules["bastion-in-tcp-22-from-203.0.113.10-32"] == ("tcp", 22, 22)
    egress = pulumi_runtime.named("bastion-out-tcp-22-to-admin", EGRESS)
    admin = pulumi_runtime.named("shop-admin", SG)
    assert egress.inputs["referencedSecurityGroupId"] == admin.id
    assert egress.property_dependencies["referencedSecurityGroupId"] == [admin.urn]


def test_a_failure_mid_build_surfaces_instead_of_hanging(pulumi_runtime, monkeypatch):
    real = ManagedSecurityGroup.from_spec

    def flaky(spec, vpc_id, opts=None, group_ids=None, adopt=None):
        if spec.name == "shop-app":
            raise RuntimeError("provider exploded")
        return real(spec, vpc_id, opts, group_ids, adopt)

    monkeypatch.setattr(ManagedSecurityGroup, "from_spec", flaky)

    def program():
        topology = Topology("shop")
        web = topology.group("web")
        topology.group("app").allow_from(web, Port.tcp(8080))
        topology.build("vpc-0a1b2c3d4e5f60718")

    # Outputs that carry the failure and are never awaited are reported by the loop when
    # collected: record them instead of letting them spill into the log.
    leftovers = []
    pulumi_runtime.loop.set_exception_handler(lambda _, context: leftovers.append(context))
    # web's egress rule waits on app's id, which never comes: it must fail, not wait forever.
    with pytest.raises(RuntimeError, match="provider exploded"):
        pulumi_runtime.run(program)
    gc.collect()
    assert all("provider exploded" in repr(c.get("exception")) for c in leftovers)


def test_bad_tags_are_refused_where_they_are_written():
    topology = Topology("shop")
    topology.group("web")
    with pytest.raises(TieredSgError) as caught:
        topology.group("app", tags={"aws:owner": "me"})
    assert str(caught.value) == (
        "group shop-app tags key 'aws:owner': keys starting with 'aws:' are reserved; "
        "rename the tag"
    )
    with pytest.raises(TieredSgError) as caught:
        Topology("shop", tags={"team": 7})  # type: ignore[dict-item]
    assert str(caught.value) == (
        "topology tags['team'] 7: is a number where a tag value (a string) is expected; "
        "quote the value"
    )
