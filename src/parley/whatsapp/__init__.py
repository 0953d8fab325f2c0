"""The WhatsApp Cloud API edge: signatures, webhook payloads, Meta's error codes, the client."""
