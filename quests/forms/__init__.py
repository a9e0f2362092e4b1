"""The quests app's forms, one module per part of a quest's life: quests, proposals,
engagement (the public Q&A) and trial (the trial's log and the results report)."""
