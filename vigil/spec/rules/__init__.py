"""Project-wide validation rules: cross-references, CloudWatch limits, and policy."""
