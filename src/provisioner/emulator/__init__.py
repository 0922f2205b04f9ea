"""A local AWS emulator for the tests and for trying the tools without an AWS account.

moto's standalone server (`moto[server]`, the optional extra `local`) plus small extensions,
each named after the moto gap it closes (see `extensions/`). Never imported by the core.
"""
