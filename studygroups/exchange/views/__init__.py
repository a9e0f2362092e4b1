"""The staff exchange's pages: thin, each naming who may use it."""
