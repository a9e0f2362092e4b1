"""Reads of study groups for pages, feeds and services, by the same sub-domains as the
services: the querysets and computed lists the pages show."""
