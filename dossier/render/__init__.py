"""Views → bytes: HTML (Jinja), PDF (WeasyPrint; long documents in parts), DOCX (python-docx,
docxtpl). A renderer returns bytes and writes nothing."""
