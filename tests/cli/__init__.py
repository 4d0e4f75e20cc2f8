"""Tests of the `coach` command line (coach/cli/)."""
