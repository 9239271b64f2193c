"""pytest_layer"""
