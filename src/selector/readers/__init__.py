"""Files in: tables (CSV/XLSX, encodings), ballot forms and layouts, findings and 民主测评 files, the round file."""
