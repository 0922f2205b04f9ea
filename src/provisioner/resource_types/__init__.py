"""One module per CloudFormation resource type the tools deploy, each one `ResourceType`
record: what AWS calls it, the limit its physical name is checked against, which tier plans
it, where the operator policies grant its handler actions, its smoke check and the emulator's
adapters for it. `registry.py` collects them; every consumer reads the registry.
"""
