"""Local copies of the regulator sites, served on loopback for crawler tests and `regwatch demo`."""
