"""An open case and the account acting on it: sign-in, roles, the blind-QA guard."""
