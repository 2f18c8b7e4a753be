"""Question understanding: a question and its history, read once into a `Frame`."""
