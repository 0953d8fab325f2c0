"""WhatsApp message templates of the business account, synced from the Cloud API."""
