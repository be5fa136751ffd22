"""The register and the plan to and from spreadsheets: mappings, cells, rows (`psstrat import`
and `psstrat export`). Spreadsheet files themselves are psstrat.sheets'."""
