"""The committee report: a frozen context built from the repository, rendered by templates."""
