"""The sentence API: plan security groups and their rules, validate, then build them at once.

    topology = Topology("shop")
    web = topology.group("web")
    app = topology.group("app")
    web.allow_from(Peer.any_ipv4(), Port.tcp(443))
    app.allow_from(web, Port.tcp(8080))   # ingress on app AND the matching egress on web
    groups = topology.build(vpc_id)       # validates every group (quota!), then registers

Nothing is registered while planning, so a plan that breaks a rule (a quota, a bad port) fails
before the first resource exists. Groups may reference each other in both directions; ``build``
wires the ids with deferred outputs, which keeps each group's dependency on the other's URN.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Optional

import pulumi

from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.errors import TieredSgError
from tiered_sg.group import ManagedSecurityGroup
from tiered_sg.group_options import GroupOptions, check_options
from tiered_sg.group_spec import GroupSpec
from tiered_sg.inputs import ArgPath, parse_tags
from tiered_sg.naming import CheckedName, check_group_name, rule_name
from tiered_sg.peers import MAX_LABEL, Peer, PeerKind
from tiered_sg.ports import Port
from tiered_sg.rules import Direction, Rule, check_description, dedupe


class GroupPlan:
    """A security group being planned. Its methods read as sentences and return the plan."""

    def __init__(
        self,
        topology: "Topology",
        name: str,
        description: Optional[str],
        tags: Mapping[str, str],
    ) -> None:
        self._topology = topology
        self.name = name
        self.description = (
            None if description is None else check_description(description, "group description")
        )
        self.tags = dict(tags)
        self._rules: list[Rule] = []

    def allow_from(
        self, source: "GroupPlan | Peer", *ports: Port | str, description: Optional[str] = None
    ) -> "GroupPlan":
        """Accept ``source`` on ``ports``. A planned group as source also gets the matching
        egress rule to this group, so both sides allow exactly this traffic."""
        if isinstance(source, GroupPlan):
            self._topology.check_member(source)
        for port in self._ports(ports, "allow_from"):
            if isinstance(source, GroupPlan):
                self._add(Direction.INGRESS, port, Peer.planned_group(source.name), description)
                source._add(Direction.EGRESS, port, Peer.planned_group(self.name), description)
            else:
                self._add(Direction.INGRESS, port, source, description)
        return self

    def allow_to(
        self,
        destination: "GroupPlan | Peer",
        *ports: Port | str,
        description: Optional[str] = None,
    ) -> "GroupPlan":
        """Send to ``destination`` on ``ports``. A planned group as destination also gets the
        matching ingress rule from this group."""
        if isinstance(destination, GroupPlan):
            destination.allow_from(self, *ports, description=description)
            return self
        for port in self._ports(ports, "allow_to"):
            self._add(Direction.EGRESS, port, destination, description)
        return self

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The planned rules in order, each permission once."""
        return tuple(dedupe(self._rules))

    def _add(
        self, direction: Direction, port: Port, peer: Peer, description: Optional[str]
    ) -> None:
        self._rules.append(Rule.create(direction, port, peer, description))

    def _ports(self, ports: Iterable[Port | str], verb: str) -> list[Port]:
        parsed = [port if isinstance(port, Port) else Port.parse(port) for port in ports]
        if not parsed:
            raise TieredSgError(
                "group", self.name, f"{verb} names no port", "pass ports such as Port.tcp(443)"
            )
        return parsed

    def __repr__(self) -> str:
        return f"GroupPlan({self.name!r}, {len(self.rules)} rules)"


class Topology:
    """A set of planned security groups. ``name`` prefixes every group's logical name; ``tags``
    go on every group (and rule), under each group's own tags. Every group owns its rules
    exclusively unless ``exclusive_rules`` is False, and its deletion may be retried for
    ``delete_timeout`` (see :class:`ManagedSecurityGroup`): both are kept as :attr:`options`."""

    def __init__(
        self,
        name: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
        *,
        exclusive_rules: bool = True,
        delete_timeout: str = DEFAULT_DELETE_TIMEOUT,
    ) -> None:
        self._start(name, tags)
        self.options = GroupOptions.parse(
            exclusive_rules, delete_timeout, ArgPath(prefix="topology ")
        )

    @classmethod
    def from_options(
        cls,
        name: Optional[str],
        options: GroupOptions,
        tags: Optional[Mapping[str, str]] = None,
    ) -> "Topology":
        """A topology whose groups take ``options``, a value built already (e.g. a
        :class:`ChainSpec`'s): nothing parses it again."""
        topology = cls.__new__(cls)  # skips __init__, which parses the options
        topology._start(name, tags)
        topology.options = check_options(options, "topology options")
        return topology

    def _start(self, name: Optional[str], tags: Optional[Mapping[str, str]]) -> None:
        # A chain's name is checked already, as a chain name (a stricter limit).
        self.name = (
            name
            if name is None or isinstance(name, CheckedName)
            else check_group_name(name, "topology name")
        )
        self.tags = parse_tags(tags or {}, ArgPath(prefix="topology ", text="tags"))
        self._groups: dict[str, GroupPlan] = {}
        # Each planned group's logical name, checked when it was planned: its spec trusts it.
        self._full_names: dict[str, CheckedName] = {}

    def group(
        self,
        name: str,
        *,
        description: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
    ) -> GroupPlan:
        """Plan a new group. Its logical name is ``<topology name>-<name>``; ``name`` is also
        the label other groups' rules reference it by, so it follows the label length limit."""
        check_group_name(name, "group name", MAX_LABEL)
        full_name = check_group_name(self.full_name(name))
        if name in self._groups:
            raise TieredSgError(
                "group name", name, "is already planned", "give each group its own name"
            )
        # Checked here, where the user wrote them, not when the plan is built.
        merged = parse_tags(
            {**self.tags, **(tags or {})}, ArgPath(prefix=f"group {full_name} ", text="tags")
        )
        plan = GroupPlan(self, name, description, merged)
        self._groups[name] = plan
        self._full_names[name] = full_name
        return plan

    @property
    def groups(self) -> tuple[GroupPlan, ...]:
        """The planned groups, in planning order."""
        return tuple(self._groups.values())

    def full_name(self, group: str) -> str:
        """The logical (Pulumi) name of a planned group."""
        return group if self.name is None else f"{self.name}-{group}"

    def check_member(self, plan: GroupPlan) -> None:
        """Refuse a group planned in another topology."""
        if self._groups.get(plan.name) is not plan:
            raise TieredSgError(
                "group",
                plan.name,
                "belongs to another topology",
                "reference it with Peer.group(<its group_id>, label=...) instead",
            )

    def validate(self) -> dict[str, GroupSpec]:
        """Check every group exactly as it will be built (references, labels, the quota, child
        names), so a bad plan fails before its first resource is registered. Returns each
        group's spec, by planned name, which :func:`build_groups` registers."""
        seen: dict[tuple[Direction, str], str] = {}
        specs: dict[str, GroupSpec] = {}
        for plan in self.groups:
            full_name = self._full_names[plan.name]
            for rule in plan.rules:
                self._check_peer(full_name, rule.peer)
            spec = GroupSpec.create(
                full_name,
                plan.rules,
                plan.description,
                plan.tags,
                options=self.options,
            )
            _check_unique_child_names(spec, seen)
            specs[plan.name] = spec
        return specs

    def _check_peer(self, full_name: str, peer: Peer) -> None:
        if peer.kind is not PeerKind.GROUP:
            return
        planned = peer.value in self._groups
        if peer.group_id is not None and planned:
            raise TieredSgError(
                f"group {full_name} peer label",
                peer.value,
                "also names a group of this topology",
                "give the external group another label",
            )
        if peer.group_id is None and not planned:
            raise TieredSgError(
                f"group {full_name} peer",
                peer.value,
                "is not a group of this topology",
                "plan it with topology.group(...) or use Peer.group(<id>, label=...)",
            )

    def build(
        self,
        vpc_id: pulumi.Input[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> dict[str, ManagedSecurityGroup]:
        """Validate the whole plan, then register one ManagedSecurityGroup per planned group."""
        return build_groups(self.validate(), vpc_id, opts)


def build_groups(
    specs: Mapping[str, GroupSpec],
    vpc_id: pulumi.Input[str],
    opts: Optional[pulumi.ResourceOptions] = None,
    adopt: Optional[Mapping[str, str]] = None,
) -> dict[str, ManagedSecurityGroup]:
    """Register the groups of a validated plan (:meth:`Topology.validate`), keyed as ``specs``
    (by planned name); rules referencing planned groups get their ids as deferred outputs.
    ``adopt`` (child name -> id) lists the existing groups and rules imported, not created."""
    deferred: dict[str, tuple[pulumi.Output[str], Callable[[pulumi.Output[str]], None]]] = {
        name: pulumi.deferred_output() for name in specs
    }
    ids = {name: output for name, (output, _) in deferred.items()}
    built: dict[str, ManagedSecurityGroup] = {}
    try:
        for name, spec in specs.items():
            group = ManagedSecurityGroup.from_spec(
                spec, vpc_id, pulumi.ResourceOptions.merge(opts, None), ids, adopt
            )
            deferred[name][1](group.group_id)
            built[name] = group
    except BaseException as err:
        # Rules already registered wait on the ids of groups never built: fail them too,
        # or the program would wait forever.
        for name, (_, resolve) in deferred.items():
            if name not in built:
                resolve(pulumi.Output.from_input("").apply(_raiser(err)))
        raise
    return built


def _check_unique_child_names(spec: GroupSpec, seen: dict[tuple[Direction, str], str]) -> None:
    """Rules of all groups share one URN type chain (``...$ManagedSecurityGroup$<rule type>``),
    so a rule name must be unique across the whole topology, not only within its group: groups
    ``a`` and ``a-in-tcp-8080-from-y`` can both derive ``a-in-tcp-8080-from-y-in-tcp-80-from-z``.
    ``seen`` maps (direction, rule name) to the group that has it, over the groups seen so far.
    """
    for rule in spec.rules:
        name = rule_name(spec.name, rule)
        first = seen.setdefault((rule.direction, name), spec.name)
        if first != spec.name:
            raise TieredSgError(
                "rule name",
                name,
                f"groups {first!r} and {spec.name!r} both have an {rule.direction} rule of this "
                "name, and the rules of all groups share one URN type, so their URNs would clash",
                "rename one of the groups",
            )


def _raiser(err: BaseException) -> Callable[[str], str]:
    def fail(_: str) -> str:
        raise err

    return fail
