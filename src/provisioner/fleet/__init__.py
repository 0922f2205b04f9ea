"""An estate at once: many configs of either tool in one run (docs/estate.md).

selection.py finds the configs, members.py says what each is (its tool and tenant), order.py
puts them in dependency order, and runner.py runs them, independent ones in parallel.
"""
