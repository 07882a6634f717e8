"""`reviewer serve`: the review in a browser, for staff who never open a terminal.

Optional: needs the `web` extra (Starlette, uvicorn, python-multipart). Nothing here is
imported by the rest of the package.
"""
