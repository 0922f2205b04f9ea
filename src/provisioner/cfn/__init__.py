"""CloudFormation template model: resources with their physical names, rendered deterministically."""
