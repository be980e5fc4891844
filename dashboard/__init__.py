"""The Streamlit + pyvis dashboard for inspectors and analysts."""
