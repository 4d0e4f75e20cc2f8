"""Widgets and small display helpers the screens share."""
