"""Browser tests: a real Streamlit server driven by headless Debian Chromium (see conftest)."""
