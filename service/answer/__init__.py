"""Answering: every route that turns a part of a question into a cited answer."""
