"""The ML provisioner: one ML use case's stack, operator policy, report and seed code."""
