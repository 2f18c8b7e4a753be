"""Text and number basics every other part of the service builds on."""
