"""Case reports (案件线索报告): a clue's, a person's or the county's dossier as HTML, PDF or DOCX."""
