"""Practising: the interview session, the store, drafts and resume, history, mentor reviews."""
