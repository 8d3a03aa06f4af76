"""Offline preview: the program under mocks, the policy pack over the real Analyzer protocol."""
