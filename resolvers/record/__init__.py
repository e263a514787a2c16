"""The insurance record: counting contributions, the rules as data, eligibility and estimates."""
