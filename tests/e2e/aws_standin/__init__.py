"""A test-only ``aws`` resource provider plugin on moto's EC2: the e2e tests' pulumi-aws.

No ``pulumi-resource-aws`` binary can be had here, so the e2e tests install this package in its
place (``launcher.write_launcher`` + ``pulumi plugin install resource aws <version> --file``).
It reports pulumi-aws's installed version, serves the full provider protocol through the
Pulumi SDK's experimental provider API, and turns every resource operation into boto3 calls to
an EC2 emulator on loopback. A user's real provider never sees any of it; it is never shipped.

Served (tokens as pulumi-aws 7.x spells them, inputs camelCase):

* ``aws:ec2/securityGroup:SecurityGroup``: auto-name ``<logical name>-<7 hex>`` kept across
  runs, description ``Managed by Pulumi`` by default, AWS's default allow-all egress revoked on
  create, tags, ``namePrefix``, inline ``ingress``/``egress``, ``revokeRulesOnDelete``;
  deleting retries ``DependencyViolation`` until the delete timeout.
* ``aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule`` and ``...EgressRule``: one rule,
  its id the ``sgr-`` id EC2 returns.
* ``aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive``: revokes every rule
  of the group it does not list (create, and update when the lists change); Read reports the
  group's actual rule ids, so `pulumi refresh` shows drift.
* ``aws:ec2/defaultSecurityGroup:DefaultSecurityGroup``: adopts the VPC's default group and
  empties it; delete leaves it as it is.
* ``aws:ec2/vpc:Vpc`` (create, update, delete) and the invoke ``aws:ec2/getVpc:getVpc``.

Replacement, exactly where pulumi-aws (the Terraform AWS provider underneath) replaces:

* SecurityGroup: ``name``, ``namePrefix``, ``description``, ``vpcId``, ``region``
  (delete-before-replace when ``name`` was set explicitly); tags, inline rules and
  ``revokeRulesOnDelete`` change in place.
* Ingress/egress rule: ``securityGroupId``, ``region``, and a change of the peer's kind (e.g.
  ``cidrIpv4`` to ``referencedSecurityGroupId``: both properties replace). Protocol, ports,
  the peer's value and the description change in place (ModifySecurityGroupRules, as the
  provider does); so do tags.
* VpcSecurityGroupRulesExclusive: ``securityGroupId``, ``region``; the id lists in place.
* DefaultSecurityGroup: ``vpcId``, ``region``.
* Vpc: ``cidrBlock``, ``ipv4IpamPoolId``, ``ipv4NetmaskLength``, ``region``.

Behaviour pulumi-aws shows and the tests rely on: a second `up` with no change diffs as "same"
(Diff compares inputs to state, sets without order, empty as absent); a preview's Create and
Update make no API call and return unknown computed outputs; EC2's error code and message pass
through in the error text; a delete of something already gone (``InvalidGroup.NotFound``,
``InvalidSecurityGroupRuleId.NotFound``, ``InvalidPermission.NotFound``,
``InvalidVpcID.NotFound``) succeeds; Cancel returns OK.

Environment:

* ``TIERED_SG_STANDIN_ENDPOINT``: the EC2 endpoint when the provider config has no
  ``endpoints`` (``aws:endpoints``, which wins). Only loopback endpoints are accepted.
* ``TIERED_SG_STANDIN_LOG``: the log file (default: ``tiered-sg-aws-standin-<uid>.log`` in the
  temp dir). Nothing is ever written to stdout after the port.
* ``TIERED_SG_STANDIN_RULES_PER_GROUP``: a lowered rules-per-group quota; the rule past it is
  refused with EC2's ``RulesPerSecurityGroupLimitExceeded``.
* ``TIERED_SG_STANDIN_CALL_DELAY_S``: a pause before each EC2 call, so that a fault test's
  stop or Ctrl-C surely lands in the middle of an `up`.

Known differences: a create that fails half-way (the group made, its egress not yet revoked)
is not reported to the engine as a partial resource (the experimental SDK cannot say so), and
moto's ModifySecurityGroupRules only changes IPv4 CIDRs, ports, protocol and description.
"""
