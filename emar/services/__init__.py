"""Services: functions of a Session, each the body of one transaction. No Qt here."""
