"""The visiting pharmacist's review (issue 17), the pure part: the words and numbers of the
resident facts the signals read (`facts`), and the signals themselves beside it."""
