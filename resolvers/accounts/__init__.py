"""Member accounts: registration, sign-in, recovery."""
