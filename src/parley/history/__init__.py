"""My History and a contact's history: past and present interactions with their outcomes."""
