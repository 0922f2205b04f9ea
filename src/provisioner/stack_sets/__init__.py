"""Stack-set deployment's pure core (issue 14): names, and the self-managed permission model's
administration and execution roles with their least-privilege policies."""
