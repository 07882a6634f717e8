"""The semantic table model: typed columns, rows with roles, levels and parents, and one
value parser. Built once per document from its table blocks; read by the checks.

This package never creates findings.
"""
from .build import build_block_tables, build_tables
from .dump import dump
from .model import Column, Row, Table
from .values import Value, parse_text, parse_value

__all__ = ["Column", "Row", "Table", "Value", "build_block_tables", "build_tables", "dump", "parse_text", "parse_value"]
