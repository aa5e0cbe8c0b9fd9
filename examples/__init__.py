"""Examples that use Vigil end to end (run from a repository checkout)."""
