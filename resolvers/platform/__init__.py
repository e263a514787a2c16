"""What every rule stands on: settings, runtime, database, logging, metrics, keys, store,
delivery, live, throttle, passwords, jobs."""
