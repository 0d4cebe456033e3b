"""dialog"""
