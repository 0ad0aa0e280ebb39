"""Human tasks: who may see, claim, complete and reassign them. Knows roles only as names."""
