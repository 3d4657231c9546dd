"""Questionnaires: building, answering, results and pre/post comparison."""
