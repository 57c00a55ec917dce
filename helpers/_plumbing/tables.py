"""Plain-text tables, as the results table, the reference table and the regression check print them."""

from __future__ import annotations


def text_table(rows: list[tuple[str, ...]]) -> str:
    """Rows of cells as aligned plain-text columns, the first row a header ruled off below."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def seconds_text(seconds: float) -> str:
    """Seconds as the tables show them: one decimal under 10 s, whole seconds above."""
    return f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"
