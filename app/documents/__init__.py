"""Documents of a case: ID copies, contracts, inspection photos, write-off evidence."""
