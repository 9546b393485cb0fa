"""``make bench``: measurements as ratios against a baseline in the same run."""
