"""The checks on an intended administration: the five rights (resident, medicine, dose, route,
time) and the rest (entry time, role, PRN limits, allergies, pack, scan, witness, high risk).

Each function is pure and returns the checks it finds, in the order a verdict lists them;
emar.services.round.verification loads the facts and calls them in turn.
"""
