"""The pharmacist's review: signals from the MAR and the resident's facts, who is due."""
