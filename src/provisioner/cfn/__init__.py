"""CloudFormation template model: resources with physical names, rendered deterministically."""
