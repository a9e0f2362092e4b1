"""The portal's reads that gather from every app (the public dashboard)."""
