"""The ground floor: errors, names and ids, the settings model. Imports nothing of the
project."""
