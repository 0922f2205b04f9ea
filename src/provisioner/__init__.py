"""ml-provisioner and sec-provisioner: YAML configs in, CloudFormation and proven IAM out."""

__version__ = "0.1.0"
