"""What the portal tells members: message templates, notices sent, the inbox read."""
