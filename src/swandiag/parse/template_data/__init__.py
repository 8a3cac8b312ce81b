"""Message-template tables (data). See docs/templates.md."""
