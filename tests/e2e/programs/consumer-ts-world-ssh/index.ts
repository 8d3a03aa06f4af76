// examples/consumer-ts's chain, and beside it what the policy pack must stop: ssh from anywhere
// onto the web tier's group, written by the consumer outside the components.
import * as aws from "@pulumi/aws";
import * as tieredSg from "@pulumi/tiered-sg";

const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });

const chain = new tieredSg.TieredSecurityGroups("shop", {
    vpcId: vpc.id,
    tiers: [
        { name: "lb", ports: ["http", "https"] },
        { name: "web", ports: ["tcp:8080"] },
        { name: "app", ports: ["tcp:9000"] },
        { name: "db", ports: ["postgres"] },
    ],
    publicIpv4Cidrs: ["0.0.0.0/0"],
    adminCidrs: { office: "203.0.113.10/32" },
    closeDefaultGroup: true,
});

new aws.vpc.SecurityGroupIngressRule("web-ssh-from-anywhere", {
    securityGroupId: chain.groupIds.apply((ids) => ids["web"]),
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: "0.0.0.0/0",
    description: "ssh from anywhere",
});
