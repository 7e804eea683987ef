"""Tsuranai: self-care plans and a cramp diary for people whose toes cramp at night."""
