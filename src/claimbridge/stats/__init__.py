"""The integration's statistics as plain functions (issue 17, R17–R19, B10): facts, figures, quantiles, suppression."""
