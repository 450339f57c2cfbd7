"""Rentan: social security for vulnerable informal workers, run by a local government."""
