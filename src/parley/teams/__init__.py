"""Teams: groups of users, the shared workbins each uses, and the supervisors' scope."""
