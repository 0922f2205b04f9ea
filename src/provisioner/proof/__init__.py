"""Proofs about generated artifacts: the operator policy is sufficient and scoped.

Pure functions over a stack plan, a policy and CloudFormation's handler permission lists
(which the tests read from cfn-lint's registry schemas, so the core never imports cfn-lint).
"""
