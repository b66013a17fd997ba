"""register."""
