"""What each medicine is: the shipped clinical reference (substances, classes, combinations)
and the rules that use it (allergy matching, the daily maximum per ingredient)."""
