"""Proofs about generated artifacts, used by the tests only: the operator policy is sufficient
and scoped.

Pure functions over a stack plan, a policy and CloudFormation's handler permission lists, which
the tests read from cfn-lint's registry schemas for each config's region: the proofs check the
policies against the schemas themselves, not against the committed table the builders read.
"""
