"""The visiting pharmacist's review (issue 17), the pure part: the words and numbers of the
resident facts (`facts`), the signals from the MAR and those facts (`signals/`, with their
`thresholds`), and who is due a review (`ranking`)."""
