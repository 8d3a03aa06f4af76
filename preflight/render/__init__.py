"""Renderers of a preflight result: text for people, JSON for machines, Mermaid for diagrams."""
