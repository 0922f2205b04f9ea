"""IAM policy documents: building, sizing, splitting and evaluating them (pure)."""
