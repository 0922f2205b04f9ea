"""The deploy engine: the only part of the project that talks to AWS.

It takes generated templates as input (it never builds them) and runs the AWS actions of both
tools — show-changes, deploy, test-deploy, status, detect-drift, delete — through one typed
gateway over boto3 (`gateway.py`).
"""
