"""The Streamlit app's code: db connection, queries, filters, charts, export, page bodies."""
