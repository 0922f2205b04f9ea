"""The SEC provisioner: IAM groups, roles and policies for a tenant's ML teams."""
