"""Presentation layer of the Streamlit app (``app.py``): labels, HTML helpers, pages."""
