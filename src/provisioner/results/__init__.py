"""What each action returns: typed, immutable results, one module per concept.

The shell renders a result as text (what the action prints without `--output json`) or puts it
in the versioned JSON document (`document.py`) that `--output json` prints and the AWS actions
also write to `reports/`. The JSON Schema of every action's document is generated from these
models (`schemas.py`) and committed under docs/schemas/; docs/output-json.md is the contract.
Pure data: nothing here reads files or calls AWS.
"""
