"""Users, roles, API tokens and page sessions."""
