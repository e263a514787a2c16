"""Live events: the event codec, the transports between processes, the hub that serves sockets."""
