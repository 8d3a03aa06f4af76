import * as aws from "@pulumi/aws";
import * as tieredSg from "@pulumi/tiered-sg"; // the SDK `pulumi package add` generated

const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });

const chain = new tieredSg.TieredSecurityGroups("shop", {
    vpcId: vpc.id, // an Output is fine: vpcId is an Input
    tiers: [
        { name: "lb", ports: ["http", "https"] },
        { name: "web", ports: ["tcp:8080"] },
        { name: "app", ports: ["tcp:9000"] },
        { name: "db", ports: ["postgres"] },
    ],
    publicIpv4Cidrs: ["0.0.0.0/0"],
    adminCidrs: { office: "203.0.113.10/32" }, // ssh to every tier, through the admin group
    closeDefaultGroup: true, // the VPC is new: remove AWS's allow rules from its default group
});

export const groupIds = chain.groupIds; // { lb: "sg-...", web: "sg-...", ... }
export const adminGroupId = chain.adminGroupId; // undefined without adminCidrs
export const ruleCount = chain.ruleCount;
