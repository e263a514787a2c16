"""Who may act: sessions, codes, second factors, passkeys, devices, the security and access logs."""
