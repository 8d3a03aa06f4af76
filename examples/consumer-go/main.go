// The four-tier chain in an existing VPC, through the Go SDK `pulumi package add` generates.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"example.com/pulumi-tiered-sg/sdk/go/tieredsg"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		chain, err := tieredsg.NewTieredSecurityGroups(ctx, "chain", &tieredsg.TieredSecurityGroupsArgs{
			VpcId: pulumi.String(config.Require(ctx, "vpcId")),
			Tiers: []tieredsg.TierArgs{
				{Name: "lb", Ports: []string{"http", "https"}},
				{Name: "web", Ports: []string{"tcp:8080"}},
				{Name: "app", Ports: []string{"tcp:9000"}},
				{Name: "db", Ports: []string{"postgres"}},
			},
			PublicIpv4Cidrs: []string{"0.0.0.0/0"},
			PublicIpv6Cidrs: []string{"::/0"},
		})
		if err != nil {
			return err
		}
		ctx.Export("groupIds", chain.GroupIds)
		ctx.Export("ruleCount", chain.RuleCount)
		return nil
	})
}
