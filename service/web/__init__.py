"""The HTTP face of the service: the FastAPI app, its routes, errors and the widget."""
