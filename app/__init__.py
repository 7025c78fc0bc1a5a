"""The Causemap Streamlit app: a router (``streamlit_app.py``), shared helpers and thin pages."""
