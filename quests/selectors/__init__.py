"""The queries the quests app's pages need, one module per part of a quest's life; each
runs a fixed number of database round trips, whatever the number of rows."""
