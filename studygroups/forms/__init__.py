"""Forms of the study-group pages, by the same sub-domains as the views; all derive from
the portal's base forms, so that the input rules of `cocreation.core.inputs` (date window,
clean text, bounded integers) apply."""
