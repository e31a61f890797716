"""The pharmacist's review: signals loaded for the home, the review list."""
