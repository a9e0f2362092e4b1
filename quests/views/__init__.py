"""The quests app's pages, one module per part of a quest's life: quests (the list, a
quest's page, its state, team, criteria and reuse, and the open data), proposals,
engagement (the public Q&A) and trial (the trial's log and the results report)."""
