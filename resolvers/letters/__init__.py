"""The agency's official documents: decision letters and certificates of contributions, on one
page layout, signed."""
