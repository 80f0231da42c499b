"""The performance benchmark (python -m bench); kept out of make test except for a tiny smoke run."""
