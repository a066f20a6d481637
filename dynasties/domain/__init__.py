"""The life cycles of the dynasties app's records: one module of transition functions per record
(``application``). Views, the admin and tasks change a status only through them, never by
assigning ``.status`` themselves."""
