"""One module per resource type, plus the EC2 helpers they share."""
